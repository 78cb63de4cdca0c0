import ChitraCore
import ChitraRails
import ChitraTesting
import Foundation
import Testing

/// A payment file booked as one entry (`BtchBookg`): the statement's entry carries the batch
/// (`NtryDtls/Btch`: message id, count, total) and each transfer's details; valid against the
/// official schema, read back whole, and opened into its transfers' entries only when it adds up.
@Suite("Batch-booked statement entries")
struct BatchEntryTests {
    static let day = Day("2026-07-21")!

    static func batchEntry(count: Int? = 3, total: Int64? = 1_500_000, amount: Int64 = 1_500_000) -> BankStatement.Entry {
        let batch = BankStatement.Batch(messageID: "B954202607N1", count: count, totalVND: total, transactions: [
            .init(endToEndID: "CT954202607NB1", amountVND: 400_000), .init(endToEndID: "CT954202607NB2", amountVND: 500_000),
            .init(endToEndID: "CT954202607NB3", amountVND: 600_000),
        ])
        return .init(servicerReference: "970405-0009", amountVND: amount, direction: .debit, bookingDay: day, code: .transferSent, batch: batch)
    }

    static func statement(_ entry: BankStatement.Entry) -> BankStatement {
        BankStatement(messageID: "STMT-1", statementID: "S1", sequenceNumber: 1, createdAt: "2026-07-21T23:59:59", account: "1234567890123",
                      institution: "970405", day: day, openingVND: 5_000_000, entries: [entry])
    }

    @Test("a batch entry is valid camt.053, read back as written by both readers")
    func roundTrip() async throws {
        let statement = Self.statement(Self.batchEntry())
        let document = Camt053Writer.document(statement)
        let verdict = try await ISO20022Validator.validate(document)
        #expect(verdict.valid, "\(verdict.output)")
        #expect(document.contains("<Btch><MsgId>B954202607N1</MsgId><NbOfTxs>3</NbOfTxs><TtlAmt Ccy=\"VND\">1500000</TtlAmt>"))
        #expect(try Camt053Reader.read(bytes: Array(document.utf8)) == [statement])
        #expect(try Camt053Reader.readByXMLParser(bytes: Array(document.utf8)) == [statement])
    }

    @Test("a batch that adds up stands for its transfers' entries, each with the bank's reference and its number; one that does not stays whole, a break")
    func opened() {
        let opened = StatementMatching.unbatched([Self.batchEntry()])
        #expect(opened.map(\.servicerReference) == ["970405-0009/1", "970405-0009/2", "970405-0009/3"])
        #expect(opened.map(\.endToEndID) == ["CT954202607NB1", "CT954202607NB2", "CT954202607NB3"] && opened.allSatisfy { $0.batch == nil })
        #expect(opened.map(\.amountVND) == [400_000, 500_000, 600_000])
        for (entry, why) in [(Self.batchEntry(count: 4), "batch B954202607N1 declares 4 transfers and details 3"),
                             (Self.batchEntry(total: 1_600_000), "batch B954202607N1 declares 1600000 đồng and its transfers sum to 1500000"),
                             (Self.batchEntry(total: nil, amount: 1_400_000), "batch B954202607N1 was booked as 1400000 đồng and its transfers sum to 1500000")] {
            #expect(StatementMatching.unbatched([entry]) == [entry])
            var transfers: [String: StatementMatching.Transfer] = [:]
            let decision = StatementMatching.decide(entry, transfers: &transfers)
            #expect(decision.breakRaised?.kind == .batch && decision.breakRaised?.detail == why, "\(decision)")
        }
    }
}
