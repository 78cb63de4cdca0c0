import ChitraCore
import ChitraRails
import ChitraTesting
import Foundation
import Testing

/// A debtor account's end-of-day statement as banks send it (camt.053.001.08), checked against the
/// official schema: what reconciling a month will read.
@Suite("ISO 20022 bank statements")
struct Camt053Tests {
    static let day = Day("2026-07-21")!

    static func statement() -> BankStatement {
        let sent = BankStatement.TransactionCode.transferSent
        return BankStatement(
            messageID: "STMT-970405-20260721", statementID: "1234567890123-20260721", sequenceNumber: 42,
            createdAt: "2026-07-21T23:59:59", account: "1234567890123", institution: "970405", day: day, openingVND: 2_000_000,
            entries: [
                .init(servicerReference: "970405-0001", amountVND: 500_000, direction: .debit, bookingDay: day, code: sent,
                      endToEndID: "CT954202607NB1"),
                // The careless bank booked the same transfer twice.
                .init(servicerReference: "970405-0002", amountVND: 500_000, direction: .debit, bookingDay: day, code: sent,
                      endToEndID: "CT954202607NB1"),
                .init(servicerReference: "970405-0003", amountVND: 360_000, direction: .debit, bookingDay: day, code: sent,
                      endToEndID: "CT954202607NB2 & <x>"),
                // An earlier transfer back: the account was closed.
                .init(servicerReference: "970405-0004", amountVND: 400_000, direction: .credit, bookingDay: day,
                      code: .transferReturned, endToEndID: "CT954202606NB9", returnReason: "AC04"),
                .init(servicerReference: "970405-0005", amountVND: 11_000, direction: .debit, bookingDay: day, code: .charge),
                // Not yet final: does not move the booked balance.
                .init(servicerReference: "970405-0006", amountVND: 500_000, direction: .debit, status: "PDNG", bookingDay: day,
                      code: sent, endToEndID: "CT954202607NB3"),
            ])
    }

    @Test("a statement is valid against camt.053.001.08: balances, entries with the bank's reference, code, EndToEndId and return reason")
    func statementIsValid() async throws {
        let document = Camt053Writer.document(Self.statement())
        let verdict = try await ISO20022Validator.validate(document)
        #expect(verdict.valid, "\(verdict.output)\n\(document)")
        #expect(document.contains("<ElctrncSeqNb>42</ElctrncSeqNb>") && document.contains("<Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"VND\">2000000</Amt>")
                && document.contains("<SubFmlyCd>RRTN</SubFmlyCd>") && document.contains("<RtrInf><Rsn><Cd>AC04</Cd></Rsn></RtrInf>")
                && document.contains("CT954202607NB2 &amp; &lt;x&gt;"))
    }

    @Test("opening plus the booked entries is the closing balance; an overdrawn account's balance says DBIT")
    func balances() async throws {
        let statement = Self.statement()
        #expect(statement.closingVND == 2_000_000 - 500_000 - 500_000 - 360_000 + 400_000 - 11_000)
        #expect(Camt053Writer.document(statement).contains("<Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"VND\">1029000</Amt><CdtDbtInd>CRDT</CdtDbtInd>"))
        var overdrawn = statement
        overdrawn.openingVND = 0
        let document = Camt053Writer.document(overdrawn)
        #expect(document.contains("<Amt Ccy=\"VND\">971000</Amt><CdtDbtInd>DBIT</CdtDbtInd>"))
        #expect(try await ISO20022Validator.validate(document).valid)
    }

    @Test("read back, a statement is what was written: balances, each entry with its reference, code, EndToEndId and reason")
    func readBack() throws {
        let statement = Self.statement()
        let read = try Camt053Reader.read(Data(Camt053Writer.document(statement).utf8))
        #expect(read == [statement])
    }

    @Test("a camt.054 notification is read back as written: its id, account and entries, no balances; without its id it is refused")
    func notificationRoundTrip() throws {
        var notification = Self.statement()
        notification.kind = .notification
        notification.statementID = "NTF-1234567890123-2026-07-21-4"
        notification.sequenceNumber = 0
        notification.openingVND = 0
        let document = Camt054Writer.document(notification)
        #expect(!document.contains("<Bal>") && document.contains("<BkToCstmrDbtCdtNtfctn>"))
        #expect(try Camt053Reader.read(Data(document.utf8)) == [notification])
        #expect(throws: Camt053Reader.Failure.missing("Ntfctn/Id (the notification's id)", statement: notification.messageID)) {
            try Camt053Reader.read(Data(document.replacingOccurrences(of: "<Id>NTF-1234567890123-2026-07-21-4</Id>", with: "").utf8))
        }
    }

    @Test("a statement that does not add up, of another message, or with an entry without the bank's reference is refused whole")
    func refused() throws {
        let good = Camt053Writer.document(Self.statement())
        let unbalanced = good.replacingOccurrences(of: "<Amt Ccy=\"VND\">1029000</Amt>", with: "<Amt Ccy=\"VND\">1029001</Amt>")
        #expect(throws: Camt053Reader.Failure.unbalanced(statement: "1234567890123-20260721", opening: 2_000_000, entries: -971_000, closing: 1_029_001)) {
            try Camt053Reader.read(Data(unbalanced.utf8))
        }
        #expect(throws: Camt053Reader.Failure.mismatched(namespace: "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08", message: "BkToCstmrStmt")) {
            try Camt053Reader.read(Data(good.replacingOccurrences(of: "camt.053.001.08", with: "camt.054.001.08").utf8))
        }
        #expect(throws: Camt053Reader.Failure.missing("Ntry/AcctSvcrRef (the bank's reference of an entry)", statement: "1234567890123-20260721")) {
            try Camt053Reader.read(Data(good.replacingOccurrences(of: "<AcctSvcrRef>970405-0003</AcctSvcrRef>", with: "").utf8))
        }
        #expect(throws: Camt053Reader.Failure.invalid("an entry of '500000.50' VND is not whole đồng", statement: "1234567890123-20260721")) {
            try Camt053Reader.read(Data(good.replacingOccurrences(of: "<Ntry><Amt Ccy=\"VND\">500000</Amt>", with: "<Ntry><Amt Ccy=\"VND\">500000.50</Amt>").utf8))
        }
        #expect(throws: Camt053Reader.Failure.self) { try Camt053Reader.read(Data(good.prefix(500).utf8)) }
    }
}
