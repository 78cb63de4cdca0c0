import ChitraCore

/// Writes a bank-to-customer statement, ISO 20022 `camt.053.001.08` (the bank simulator's end of
/// day for a debtor account): the opening (OPBD) and closing (CLBD) booked balances, then one
/// `Ntry` per entry with the bank's reference, its transaction code and, for a transfer, its
/// EndToEndId (and the reason it came back).
public enum Camt053Writer {
    public static let namespace = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"

    public static func document(_ statement: BankStatement) -> String {
        var text = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Document xmlns="\(namespace)"><BkToCstmrStmt><GrpHdr><MsgId>\(XMLText.escaped(statement.messageID))</MsgId>\
            <CreDtTm>\(statement.createdAt)</CreDtTm></GrpHdr>
            <Stmt><Id>\(XMLText.escaped(statement.statementID))</Id><ElctrncSeqNb>\(statement.sequenceNumber)</ElctrncSeqNb>\
            <CreDtTm>\(statement.createdAt)</CreDtTm>\
            <FrToDt><FrDtTm>\(statement.day)T00:00:00</FrDtTm><ToDtTm>\(statement.day)T23:59:59</ToDtTm></FrToDt>\
            <Acct><Id><Othr><Id>\(XMLText.escaped(statement.account))</Id></Othr></Id><Ccy>VND</Ccy>\
            <Svcr><FinInstnId><Othr><Id>\(XMLText.escaped(statement.institution))</Id></Othr></FinInstnId></Svcr></Acct>
            \(balance("OPBD", statement.openingVND, statement.day))\(balance("CLBD", statement.closingVND, statement.day))

            """
        for entry in statement.entries { text += Self.entry(entry) }
        return text + "</Stmt></BkToCstmrStmt></Document>\n"
    }

    /// One `Ntry` (a `ReportEntry10`, the same in camt.052, camt.053 and camt.054).
    static func entry(_ entry: BankStatement.Entry) -> String {
        var text = "<Ntry><Amt Ccy=\"VND\">\(entry.amountVND)</Amt><CdtDbtInd>\(entry.direction.rawValue)</CdtDbtInd>"
        if entry.reversal { text += "<RvslInd>true</RvslInd>" }
        text += "<Sts><Cd>\(XMLText.escaped(entry.status))</Cd></Sts><BookgDt><Dt>\(entry.bookingDay)</Dt></BookgDt>"
        text += "<ValDt><Dt>\(entry.valueDay)</Dt></ValDt><AcctSvcrRef>\(XMLText.escaped(entry.servicerReference))</AcctSvcrRef>"
        text += "<BkTxCd><Domn><Cd>\(entry.code.domain)</Cd><Fmly><Cd>\(entry.code.family)</Cd>"
        text += "<SubFmlyCd>\(entry.code.subFamily)</SubFmlyCd></Fmly></Domn></BkTxCd>"
        if let batch = entry.batch {
            text += "<NtryDtls><Btch>"
            if let messageID = batch.messageID { text += "<MsgId>\(XMLText.escaped(messageID))</MsgId>" }
            if let count = batch.count { text += "<NbOfTxs>\(count)</NbOfTxs>" }
            if let total = batch.totalVND { text += "<TtlAmt Ccy=\"VND\">\(total)</TtlAmt><CdtDbtInd>\(entry.direction.rawValue)</CdtDbtInd>" }
            text += "</Btch>"
            for transaction in batch.transactions {
                text += "<TxDtls><Refs><EndToEndId>\(XMLText.escaped(transaction.endToEndID))</EndToEndId></Refs>"
                text += "<Amt Ccy=\"VND\">\(transaction.amountVND)</Amt><CdtDbtInd>\(entry.direction.rawValue)</CdtDbtInd></TxDtls>"
            }
            text += "</NtryDtls>"
        } else if let endToEndID = entry.endToEndID {
            text += "<NtryDtls><TxDtls><Refs><EndToEndId>\(XMLText.escaped(endToEndID))</EndToEndId></Refs>"
            text += "<Amt Ccy=\"VND\">\(entry.amountVND)</Amt><CdtDbtInd>\(entry.direction.rawValue)</CdtDbtInd>"
            if let reason = entry.returnReason { text += "<RtrInf><Rsn><Cd>\(XMLText.escaped(reason))</Cd></Rsn></RtrInf>" }
            text += "</TxDtls></NtryDtls>"
        }
        text += "</Ntry>\n"
        return text
    }

    /// A booked balance: the amount is never negative; an overdrawn account says DBIT.
    private static func balance(_ type: String, _ amount: Int64, _ day: Day) -> String {
        "<Bal><Tp><CdOrPrtry><Cd>\(type)</Cd></CdOrPrtry></Tp><Amt Ccy=\"VND\">\(abs(amount))</Amt>"
            + "<CdtDbtInd>\(amount < 0 ? "DBIT" : "CRDT")</CdtDbtInd><Dt><Dt>\(day)</Dt></Dt></Bal>"
    }
}
