/// Writes a customer payment status report, ISO 20022 `pain.002.001.12` (the bank simulator's
/// answer; Chitra reads `.10` to `.12`): the group's status, then one `TxInfAndSts` per
/// transaction, in chunks of about a megabyte.
public enum Pain002Writer {
    public static let namespace = "urn:iso:std:iso:20022:tech:xsd:pain.002.001.12"

    public static func write(_ report: PaymentStatusReport, to sink: (String) throws -> Void) throws {
        var text = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Document xmlns="\(namespace)"><CstmrPmtStsRpt><GrpHdr><MsgId>\(XMLText.escaped(report.messageID))</MsgId>\
            <CreDtTm>\(report.createdAt)</CreDtTm></GrpHdr><OrgnlGrpInfAndSts>\
            <OrgnlMsgId>\(XMLText.escaped(report.originalMessageID))</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId>
            """
        if let status = report.groupStatus {
            text += "<GrpSts>\(status)</GrpSts>" + reason(report.groupReason)
        }
        text += "</OrgnlGrpInfAndSts>\n"
        if !report.transactions.isEmpty || report.paymentInformationID != nil {
            text += "<OrgnlPmtInfAndSts><OrgnlPmtInfId>\(XMLText.escaped(report.paymentInformationID ?? report.originalMessageID))</OrgnlPmtInfId>\n"
            for transaction in report.transactions {
                text += "<TxInfAndSts><OrgnlEndToEndId>\(XMLText.escaped(transaction.endToEndID))</OrgnlEndToEndId>"
                text += "<TxSts>\(transaction.status)</TxSts>" + reason(transaction.reason) + "</TxInfAndSts>\n"
                if text.utf8.count >= Pain001Writer.chunkBytes {
                    try sink(text)
                    text = ""
                }
            }
            text += "</OrgnlPmtInfAndSts>"
        }
        text += "</CstmrPmtStsRpt></Document>\n"
        try sink(text)
    }

    public static func document(_ report: PaymentStatusReport) throws -> String {
        var document = ""
        try write(report) { document += $0 }
        return document
    }

    private static func reason(_ code: String?) -> String {
        code.map { "<StsRsnInf><Rsn><Cd>\(XMLText.escaped($0))</Cd></Rsn></StsRsnInf>" } ?? ""
    }
}
