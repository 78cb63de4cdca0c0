import ChitraCore

/// Writes a customer credit transfer initiation, ISO 20022 `pain.001.001.09`: one payment
/// information block (one debtor account, one execution date, category purpose `SSBE`) with one
/// `CdtTrfTxInf` per transfer (purpose `SSBE`, amount in VND without decimals, the creditor's bank
/// by its Napas BIN). The number of transactions and the control sum come first in the file, so the
/// batch is known whole; the text goes out in chunks of about a megabyte, never as one string.
public struct Pain001Writer: Sendable {
    public static let namespace = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"
    /// The most transactions in one file. 10,000: a bank gateway's usual bound for one message
    /// (a few megabytes), and a district's month of bank transfers in one to a few files.
    public static let maximumTransactions = 10_000
    /// ISO 20022's Max35Text, for MsgId, PmtInfId and EndToEndId.
    public static let maximumIDLength = 35
    /// Bytes gathered before each handing to the sink.
    static let chunkBytes = 1 << 20

    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        case empty
        case tooManyTransactions(Int)
        case badIdentifier(field: String, value: String)
        case badAmount(endToEndID: String, amount: Int64)
        case badInstitution(endToEndID: String, institution: String)
        case badAccount(endToEndID: String)
        case duplicateEndToEndID(String)

        public var description: String {
            switch self {
            case .empty: "a payment file needs at least one transfer"
            case .tooManyTransactions(let count): "\(count) transfers exceed the \(Pain001Writer.maximumTransactions) one payment file may hold"
            case .badIdentifier(let field, let value): "\(field) '\(value)' must be 1 to 35 letters, digits or /-?:().,'+"
            case .badAmount(let id, let amount): "transfer \(id): \(amount) đồng is not an amount to send"
            case .badInstitution(let id, let institution): "transfer \(id): '\(institution)' is not a Napas bank code (six digits)"
            case .badAccount(let id): "transfer \(id) has no creditor account, or one longer than 34 characters"
            case .duplicateEndToEndID(let id): "EndToEndId \(id) appears twice in one payment file"
            }
        }
    }

    public var messageID: String
    public var paymentInformationID: String
    /// `YYYY-MM-DDTHH:MM:SS`, local time of the sender.
    public var createdAt: String
    /// `YYYY-MM-DD`.
    public var executionDate: String
    public var debtor: DebtorAccount
    /// Ask the bank to book the file as one entry (`BtchBookg`): Chitra never does (one entry a
    /// transfer on the statement, each matched on its own); the simulator's tests do.
    public var batchBooking = false

    public init(messageID: String, paymentInformationID: String, createdAt: String, executionDate: String, debtor: DebtorAccount) {
        self.messageID = messageID
        self.paymentInformationID = paymentInformationID
        self.createdAt = createdAt
        self.executionDate = executionDate
        self.debtor = debtor
    }

    /// Checks the batch, then hands the document to `sink` in chunks.
    public func write(_ transfers: [TransferInstruction], to sink: (String) throws -> Void) throws {
        try check(transfers)
        let total = transfers.reduce(Int64(0)) { $0 + $1.amount.dong }
        var text = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Document xmlns="\(Self.namespace)"><CstmrCdtTrfInitn><GrpHdr><MsgId>\(messageID)</MsgId>\
            <CreDtTm>\(createdAt)</CreDtTm><NbOfTxs>\(transfers.count)</NbOfTxs><CtrlSum>\(total)</CtrlSum>\
            <InitgPty><Nm>\(Self.name(debtor.name))</Nm></InitgPty></GrpHdr>\
            <PmtInf><PmtInfId>\(paymentInformationID)</PmtInfId><PmtMtd>TRF</PmtMtd><BtchBookg>\(batchBooking)</BtchBookg><NbOfTxs>\(transfers.count)</NbOfTxs>\
            <CtrlSum>\(total)</CtrlSum><PmtTpInf><CtgyPurp><Cd>SSBE</Cd></CtgyPurp></PmtTpInf>\
            <ReqdExctnDt><Dt>\(executionDate)</Dt></ReqdExctnDt><Dbtr><Nm>\(Self.name(debtor.name))</Nm></Dbtr>\
            <DbtrAcct><Id><Othr><Id>\(XMLText.escaped(debtor.account))</Id></Othr></Id><Ccy>VND</Ccy></DbtrAcct>\
            <DbtrAgt>\(Self.agent(debtor.bank))</DbtrAgt>

            """
        for transfer in transfers {
            text += "<CdtTrfTxInf><PmtId><EndToEndId>\(transfer.endToEndID)</EndToEndId></PmtId>"
            text += "<Amt><InstdAmt Ccy=\"VND\">\(transfer.amount.dong)</InstdAmt></Amt>"
            text += "<CdtrAgt>\(Self.agent(transfer.institution))</CdtrAgt><Cdtr><Nm>\(Self.name(transfer.creditorName))</Nm></Cdtr>"
            text += "<CdtrAcct><Id><Othr><Id>\(XMLText.escaped(transfer.account))</Id></Othr></Id></CdtrAcct>"
            text += "<Purp><Cd>SSBE</Cd></Purp></CdtTrfTxInf>\n"
            if text.utf8.count >= Self.chunkBytes {
                try sink(text)
                text = ""
            }
        }
        text += "</PmtInf></CstmrCdtTrfInitn></Document>\n"
        try sink(text)
    }

    /// The whole document as one string (small batches, tests).
    public func document(_ transfers: [TransferInstruction]) throws -> String {
        var document = ""
        try write(transfers) { document += $0 }
        return document
    }

    private func check(_ transfers: [TransferInstruction]) throws {
        guard !transfers.isEmpty else { throw Failure.empty }
        guard transfers.count <= Self.maximumTransactions else { throw Failure.tooManyTransactions(transfers.count) }
        for (field, value) in [("MsgId", messageID), ("PmtInfId", paymentInformationID)] where !Self.isReference(value) {
            throw Failure.badIdentifier(field: field, value: value)
        }
        var seen = Set<String>()
        for transfer in transfers {
            guard Self.isReference(transfer.endToEndID) else { throw Failure.badIdentifier(field: "EndToEndId", value: transfer.endToEndID) }
            guard seen.insert(transfer.endToEndID).inserted else { throw Failure.duplicateEndToEndID(transfer.endToEndID) }
            guard transfer.amount.dong > 0 else { throw Failure.badAmount(endToEndID: transfer.endToEndID, amount: transfer.amount.dong) }
            guard Self.isBIN(transfer.institution) else {
                throw Failure.badInstitution(endToEndID: transfer.endToEndID, institution: transfer.institution)
            }
            guard !transfer.account.isEmpty, transfer.account.count <= 34 else { throw Failure.badAccount(endToEndID: transfer.endToEndID) }
        }
    }

    /// 1–35 characters that banks accept in references: letters, digits and /-?:().,'+
    static func isReference(_ value: String) -> Bool {
        !value.isEmpty && value.utf8.count <= maximumIDLength && value.utf8.allSatisfy { byte in
            (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || Array("/-?:().,'+".utf8).contains(byte)
        }
    }

    static func isBIN(_ value: String) -> Bool { value.utf8.count == 6 && value.utf8.allSatisfy { (48...57).contains($0) } }

    /// A party's name: escaped, at most 140 characters (Max140Text).
    static func name(_ text: String) -> String { XMLText.escaped(XMLText.truncated(text, to: 140)) }

    /// A bank identified by its Napas BIN.
    static func agent(_ bin: String) -> String {
        "<FinInstnId><Othr><Id>\(bin)</Id><SchmeNm><Prtry>NAPAS</Prtry></SchmeNm></Othr></FinInstnId>"
    }
}
