import ChitraCore

/// Writes a bank-to-customer debit/credit notification, ISO 20022 `camt.054.001.08` (the bank
/// simulator's intraday notice of a debtor account's entries): one `Ntfctn` with its id, the
/// account, and the entries booked (or pending) so far, written as the day's statement writes
/// them. No balances: the end-of-day statement (camt.053) brings them, and the same entries again.
public enum Camt054Writer {
    public static let namespace = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"

    public static func document(_ notification: BankStatement) -> String {
        var text = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Document xmlns="\(namespace)"><BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>\(XMLText.escaped(notification.messageID))</MsgId>\
            <CreDtTm>\(notification.createdAt)</CreDtTm></GrpHdr>
            <Ntfctn><Id>\(XMLText.escaped(notification.statementID))</Id><CreDtTm>\(notification.createdAt)</CreDtTm>\
            <Acct><Id><Othr><Id>\(XMLText.escaped(notification.account))</Id></Othr></Id><Ccy>VND</Ccy>\
            <Svcr><FinInstnId><Othr><Id>\(XMLText.escaped(notification.institution))</Id></Othr></FinInstnId></Svcr></Acct>

            """
        for entry in notification.entries { text += Camt053Writer.entry(entry) }
        return text + "</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>\n"
    }
}
