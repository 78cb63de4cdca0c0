import ChitraCore
import ChitraStore
import ChitraTesting
import PostgresNIO
import Testing

/// Closing a month (issue 28): a run whose every disbursement has its outcome is paid out, and
/// completed only when the statements close it: every transfer the bank accepted debited or
/// returned, the statements in without a gap through the day it was paid out, no break open. A
/// month with nothing by bank closes at once.
@Suite("Closing a month on the statements", .machine(limit: .minutes(2)))
struct MonthClosingTests {
    typealias Import = StatementImportTests
    static let paidOutDay = Day("2024-09-25")!

    /// Run 2024-09 of 954 approved, its transfers as `Import.transfers` leaves them but E4 paid and
    /// E5 fallen back and paid in cash: every outcome in. Returns the run.
    static func paidOut(_ database: Database) async throws -> Int64 {
        try await Import.transfers(database)
        let runID = Int64(try await RunFixture.count("SELECT id FROM runs WHERE unit_code = '954' AND period = '2024-09-01'", database))
        try await TestPostgres.withOwner(of: database) { owner in
            try await owner.client.query("UPDATE disbursements SET state = 'paid' WHERE end_to_end_id = 'E4'")
            try await owner.client.query("UPDATE disbursements SET state = 'cash_instructed' WHERE end_to_end_id = 'E5'")
            try await owner.client.query("UPDATE disbursements SET state = 'paid_cash' WHERE end_to_end_id = 'E5'")
            try await owner.client.query("UPDATE runs SET state = 'approved' WHERE id = \(runID)")
        }
        #expect(try await RunRails.completeIfSettled(runID: runID, database: database) == .paidOut)
        // Approved and paid out on known days, the statements' from the approval's.
        try await TestPostgres.withOwner(of: database) {
            try await $0.client.query("UPDATE runs SET paid_out_at = '2024-09-25 10:00+07', approved_at = '2024-09-24 08:00+07' WHERE id = \(runID)")
        }
        return runID
    }

    static func state(_ runID: Int64, _ database: Database) async throws -> RunState? {
        try await RunRails.run(runID, database: database)?.state
    }

    @Test("paid out, the month stays open until every transfer is debited, the statements have no gap and reach its day, and no break is open")
    func closesOnTheStatements() async throws {
        try await TestPostgres.withDatabase { database in
            let runID = try await Self.paidOut(database)
            let period = Period("2024-09")!
            #expect(try await RunClosing.obstacles(unit: "954", period: period, database: database) == [.notDebited(4), .statementsBefore(Self.paidOutDay)])

            // Statement 1 debits E1, E2 twice (a duplicate, recalled) and E3.
            let day1 = Day("2024-09-24")!, day2 = Day("2024-09-25")!, day3 = Day("2024-09-26")!
            let first = Import.statement(1, day: day1, opening: 10_000_000, [
                Import.debit("R1", "E1", on: day1), Import.debit("R2", "E2", on: day1), Import.debit("R3", "E2", on: day1), Import.debit("R4", "E3", on: day1),
            ])
            #expect(try await Import.take([first], sha: "a", database).completedRuns.isEmpty)
            #expect(try await RunClosing.obstacles(unit: "954", period: period, database: database)
                    == [.notDebited(1), .openBreaks(1), .statementsBefore(Self.paidOutDay)])

            // Statement 3 debits E4 and gives the second debit back; statement 2 is missing, and
            // the money back waits for it (what it gives back is known once the days before are in).
            let third = Import.statement(3, day: day3, opening: first.closingVND, [
                Import.debit("R5", "E4", on: day3),
                .init(servicerReference: "R6", amountVND: 100_000, direction: .credit, bookingDay: day3, code: .recallCredited, endToEndID: "E2"),
            ])
            let taken = try await Import.take([third], sha: "c", database)
            #expect(taken.recovered == 0 && taken.settled == 1 && taken.completedRuns.isEmpty, "\(taken)")
            #expect(try await RunClosing.obstacles(unit: "954", period: period, database: database)
                    == [.openBreaks(1), .missingStatements(1), .returnsAhead(1)])
            #expect(try await Self.state(runID, database) == .paidOut)

            // Statement 2 fills the gap: the second debit is given back, the month closes, its
            // reconciliation and report recorded.
            let second = Import.statement(2, day: day2, opening: first.closingVND, [])
            let closing = try await Import.take([second], sha: "b", database)
            #expect(closing.completedRuns == [runID], "\(closing)")
            #expect(closing.description.hasSuffix("The month of run \(runID) closed: every transfer settled or returned, no break open."))
            #expect(try await Self.state(runID, database) == .completed)
            #expect(try await RunClosing.obstacles(unit: "954", period: period, database: database) == nil)
            let settlement = try await RunSettlement.of(runIDs: [runID], database: database)[runID]
            #expect(settlement?.byState["settled"]?.count == 4 && settlement?.byState["paid_cash"]?.count == 1)
            #expect(try await RunFixture.count("SELECT count(*) FROM runs WHERE id = \(runID) AND report IS NOT NULL AND reconciliation ? 'settled'",
                                               database) == 1)
        }
    }

    @Test("a break closed by finance closes the month it held open; a month with nothing by bank closes as it is paid out")
    func breakClosedByFinance() async throws {
        try await TestPostgres.withDatabase { database in
            let runID = try await Self.paidOut(database)
            let day = Day("2024-09-25")!
            let statement = Import.statement(1, day: day, opening: 10_000_000, [
                Import.debit("R1", "E1", on: day), Import.debit("R2", "E2", on: day), Import.debit("R3", "E3", on: day), Import.debit("R4", "E4", on: day),
                Import.debit("R5", "E77", on: day),
            ])
            let taken = try await Import.take([statement], sha: "a", database)
            #expect(taken.breaks == ["unknown": 1] && taken.completedRuns.isEmpty, "\(taken)")
            #expect(try await RunClosing.obstacles(unit: "954", period: Period("2024-09")!, database: database) == [.openBreaks(1)])
            let open = try #require(try await StatementBreaks.list(database: database).first)
            let closed = try await StatementBreaks.close(id: open.id, note: "Ngân hàng xác nhận khoản trừ của chương trình khác", by: Import.finance,
                                                         database: database)
            #expect(closed.completedRuns == [runID])
            #expect(try await Self.state(runID, database) == .completed)

            // October: cash alone, confirmed; nothing for a statement to show, so it closes at once.
            let october = try await RunFixture.trigger("2024-10", database)
            try await TestPostgres.withOwner(of: database) { owner in
                try await owner.client.query("""
                    INSERT INTO disbursements (beneficiary_id, period, unit_code, run_id, program, amount_vnd, method, rail, end_to_end_id, state)
                    VALUES ('C1', '2024-10-01', '954', \(october), 'btxh', 100000, 'cash', 'cash', 'O1', 'paid_cash')
                    """)
                try await owner.client.query("UPDATE runs SET state = 'approved' WHERE id = \(october)")
            }
            #expect(try await RunRails.completeIfSettled(runID: october, database: database) == .completed)
        }
    }
}
