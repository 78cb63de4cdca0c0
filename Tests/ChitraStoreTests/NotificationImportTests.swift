import ChitraCore
import ChitraStore
import ChitraTesting
import PostgresNIO
import Testing

/// Intraday notifications (camt.054) taken in (issue 28): their entries settle transfers as a
/// statement's do, once; the day's statement brings the same entries again and changes nothing
/// for them; a notification is no statement: not in the sequence, not an end of day.
@Suite("Notifications taken in", .machine(limit: .minutes(2)))
struct NotificationImportTests {
    typealias Import = StatementImportTests

    static func notification(_ id: String, day: Day, _ entries: [BankStatement.Entry]) -> BankStatement {
        BankStatement(kind: .notification, messageID: id, statementID: id, sequenceNumber: 0, createdAt: "\(day)T10:00:00",
                      account: Import.account, institution: Import.bank, day: day, openingVND: 0, entries: entries)
    }

    static func take(_ statements: [BankStatement], sha: Character, _ database: Database) async throws -> StatementImport.Outcome {
        try await StatementImport.take(statements, format: statements[0].kind == .notification ? "camt.054" : "camt.053",
                                       sha256: String(repeating: sha, count: 64), fileName: "file-\(sha).xml", by: Import.finance, database: database)
    }

    @Test("a notification's debits settle once; the day's statement brings them again and settles only what is new; it opens no gap and closes no month")
    func notificationThenStatement() async throws {
        try await TestPostgres.withDatabase { database in
            let runID = try await MonthClosingTests.paidOut(database)
            let day = Day("2024-09-25")!
            let early = Self.notification("NTF-1", day: day, [Import.debit("R1", "E1", on: day), Import.debit("R2", "E2", on: day)])
            let taken = try await Self.take([early], sha: "a", database)
            #expect(taken.notifications == 1 && taken.statements == 0 && taken.settled == 2 && taken.breaksOpened == 0, "\(taken)")
            #expect(taken.description.hasPrefix("Took in 1 notification with 2 new entries: 2 transfers settled"), "\(taken.description)")
            let again = try await Self.take([early], sha: "a", database)
            #expect(again.description == "This notification was already taken in; nothing changed.", "\(again.description)")
            #expect(try await RunClosing.obstacles(unit: "954", period: Period("2024-09")!, database: database)
                    == [.notDebited(2), .statementsBefore(day)], "a notification is no end of day")

            let statement = Import.statement(1, day: day, opening: 10_000_000, [
                Import.debit("R1", "E1", on: day), Import.debit("R2", "E2", on: day), Import.debit("R3", "E3", on: day), Import.debit("R4", "E4", on: day),
            ])
            let closing = try await Self.take([statement], sha: "b", database)
            #expect(closing.entriesAlreadyIn == 2 && closing.entries == 2 && closing.settled == 2 && closing.breaksOpened == 0 && closing.gaps.isEmpty,
                    "\(closing)")
            #expect(closing.completedRuns == [runID])
            #expect(try await Import.states(database) == ["E1": "settled", "E2": "settled", "E3": "settled", "E4": "settled", "E5": "paid_cash"])
            let records = try await StatementRecords.list(unit: "954", database: database)
            #expect(records.map(\.kind).sorted() == ["notification", "statement"])
            #expect(records.first { $0.kind == "notification" }.map { $0.sequence == nil && $0.closingVND == nil } == true)
        }
    }

    @Test("a batch booked as one entry settles each of its transfers, once; a batch that does not add up is a break and settles none")
    func batchEntry() async throws {
        try await TestPostgres.withDatabase { database in
            try await Import.transfers(database)
            let day = Day("2024-09-20")!
            func batch(_ count: Int) -> BankStatement.Entry {
                .init(servicerReference: "RB\(count)", amountVND: 200_000, direction: .debit, bookingDay: day, code: .transferSent,
                      batch: .init(messageID: "B1", count: count, totalVND: 200_000,
                                   transactions: [.init(endToEndID: "E1", amountVND: 100_000), .init(endToEndID: "E2", amountVND: 100_000)]))
            }
            let statement = Import.statement(1, day: day, opening: 10_000_000, [batch(2)])
            let taken = try await Import.take([statement], sha: "a", database)
            #expect(taken.settled == 2 && taken.entries == 2 && taken.breaksOpened == 0, "\(taken)")
            let states = try await Import.states(database)
            #expect(states["E1"] == "settled" && states["E2"] == "settled")
            #expect(try await RunFixture.count("SELECT count(*) FROM statement_entries WHERE servicer_reference IN ('RB2/1', 'RB2/2')", database) == 2)
            #expect(try await Import.take([statement], sha: "a", database).entriesAlreadyIn == 2)

            let wrong = try await Import.take([Import.statement(2, day: day, opening: statement.closingVND, [batch(3)])], sha: "b", database)
            #expect(wrong.breaks == ["batch": 1] && wrong.settled == 0, "\(wrong)")
            let raised = try #require(try await StatementBreaks.list(database: database).first)
            #expect(raised.kind == .batch && raised.entry == "RB3" && raised.detail == "batch B1 declares 3 transfers and details 2")
        }
    }
}
