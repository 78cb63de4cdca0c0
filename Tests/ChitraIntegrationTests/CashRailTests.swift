import ChitraCore
import ChitraStore
import ChitraTesting
import ChitraWorker
import Foundation
import PostgresNIO
import Testing

/// The cash rail: approval puts cash on the post office's list once; bank and wallet wait
/// for their rails.
@Suite("Cash rail", .machine(limit: .minutes(3)))
struct CashRailTests {
    /// Each beneficiary's disbursement state as seen (approval is the run's: DisbursementState.seen).
    static func states(_ database: Database) async throws -> [String: String] {
        var states: [String: String] = [:]
        for try await (id, state) in try await database.client.query("""
            SELECT d.beneficiary_id, disbursement_state_seen(d.state, d.rail, r.state) FROM disbursements d JOIN runs r ON r.id = d.run_id
            """).decode((String, String).self) {
            states[id] = state
        }
        return states
    }

    @Test("approval lists cash for the post office once; bank waits; the list masks CCCDs and marks home delivery")
    func submitInstructsCash() async throws {
        try await TestPostgres.withDatabase { database in
            var file = RegisterFileBuilder(district: "954")
            file.add("C1", [.eligibleFrom: "2024-09", .communeCode: "95402", .fullName: "Lê Thị, \"Út\""])
            file.add("C2", [.eligibleFrom: "2024-09", .paymentMethod: "cash_home", .communeCode: "95401"])
            file.add("B1", [.eligibleFrom: "2024-09", .paymentMethod: "bank", .bankCode: "970436", .accountNumber: "1234567890",
                            .accountName: "B1"])
            try await RunFixture.importRegister(file, database)
            let runID = try await RunFixture.trigger("2024-09", autoApprove: true, database)
            try await WorkerHarness.withWorker(database: database, handlers: RunHandlers.all(policy: RunFixture.policy)) { _ in
                try await eventually("cash listed", saw: { "\(try await Self.states(database))" }) {
                    try await Self.states(database) == ["C1": "cash_instructed", "C2": "cash_instructed", "B1": "approved"]
                }
                // The submit job waits for the bank rail (snoozed), it is not done.
                try await eventually("submit snoozed") {
                    try await JobQueue(database: database).list(.init(kind: "submit")).first?.state == .available
                }
            }
            // Listed without a write: the submit step's passes left every cash disbursement as computed.
            try await TestPostgres.withOwner(of: database) { owner in
                let stored = try await owner.client.query("SELECT DISTINCT state FROM disbursements WHERE run_id = \(runID) AND rail = 'cash'")
                    .collect().map { try $0.decode(String.self) }
                #expect(stored == ["computed"])
            }

            let path = NSTemporaryDirectory() + "chitra-cash-\(UUID().uuidString.prefix(8)).csv"
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let handle = try #require(FileHandle(forWritingAtPath: path))
            let written = try await CashList.write(district: "954", period: Period("2024-09")!, commune: nil, database: database, to: handle)
            try handle.close()
            #expect(written.count == 2 && written.total == Money(dong: 1_000_000))
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF], "a BOM, for Excel")
            let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
            #expect(text.hasPrefix("end_to_end_id,beneficiary_id,full_name,cccd,commune_code,amount_vnd,recipient,recipient_name,home_delivery\r\n"))
            let lines = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(lines.count == 3)
            #expect(lines[1] == "CT954202409NC2,C2,Nguyễn Văn C2,********6789,95401,500000,self,,yes", "\(lines[1])")
            #expect(lines[2] == "CT954202409NC1,C1,\"Lê Thị, \"\"Út\"\"\",********6789,95402,500000,self,,no", "\(lines[2])")
            #expect(!text.contains("095123456789"), "CCCDs are masked")
        }
    }
}

extension CashRailTests {
    @Test("migration 43 lists cash that a run approved by an older version left approved, once")
    func migrationListsCashLeftApproved() async throws {
        try await TestPostgres.withDatabase { database in
            var file = RegisterFileBuilder(district: "954")
            for id in ["C1", "C2"] { file.add(id, [.eligibleFrom: "2024-09"]) }
            file.add("B1", [.eligibleFrom: "2024-09", .paymentMethod: "bank", .bankCode: "970436", .accountNumber: "1234567890", .accountName: "B1"])
            try await RunFixture.importRegister(file, database)
            let runID = try await RunFixture.trigger("2024-09", database)
            try await WorkerHarness.withWorker(database: database, handlers: RunHandlers.all(policy: RunFixture.policy)) { _ in
                try await eventually("computed") { try await Self.states(database).count == 3 }
            }
            // Approved as versions before approval listed cash did: every disbursement `approved`.
            // Then the migration applied again, as on a database that had such a run.
            try await TestPostgres.withOwner(of: database) { owner in
                try await owner.client.query("UPDATE runs SET state = 'approved', approved_by = 'finance' WHERE id = \(runID)")
                try await owner.client.query("UPDATE disbursements SET state = 'approved' WHERE run_id = \(runID)")
                for _ in 1...2 {
                    try await owner.client.query("DELETE FROM schema_migrations WHERE version = 43")
                    #expect(try await Migrator(database: owner).migrate().map(\.version) == [43])
                    #expect(try await Self.states(database) == ["C1": "cash_instructed", "C2": "cash_instructed", "B1": "approved"])
                }
            }
        }
    }

    /// Three cash members and one bank member of 954, run and approved, cash listed.
    static func listed(_ database: Database) async throws -> Int64 {
        var file = RegisterFileBuilder(district: "954")
        for id in ["C1", "C2", "C3"] { file.add(id, [.eligibleFrom: "2024-09"]) }
        file.add("B1", [.eligibleFrom: "2024-09", .paymentMethod: "bank", .bankCode: "970436", .accountNumber: "1234567890", .accountName: "B1"])
        try await RunFixture.importRegister(file, database)
        let runID = try await RunFixture.trigger("2024-09", autoApprove: true, database)
        try await WorkerHarness.withWorker(database: database, handlers: RunHandlers.all(policy: RunFixture.policy)) { _ in
            try await eventually("cash listed") { try await Self.states(database)["C3"] == "cash_instructed" }
        }
        return runID
    }

    static func confirmation(_ rows: [String]) throws -> String {
        let text = "\u{FEFF}end_to_end_id,beneficiary_id,amount_vnd,status,paid_on,received_by\r\n" + rows.joined(separator: "\r\n") + "\r\n"
        return try RegisterFileBuilder.temporaryFile(Data(text.utf8))
    }

    /// Why a confirmation file of `rows`, looked up `rowsPerStatement` rows a statement, is refused
    /// (an issue is recorded if it is accepted).
    static func refusal(_ rows: [String], rowsPerStatement: Int = CashConfirmation.rowsPerStatement,
                        _ database: Database) async throws -> ImportFailure? {
        let path = try confirmation(rows)
        return await #expect(throws: ImportFailure.self) {
            try await CashConfirmation.confirm(path: path, by: .test("post office", role: .finance), database: database,
                                               rowsPerStatement: rowsPerStatement)
        }
    }

    @Test("the post office's confirmations close cash as paid or returned, once; a bad file changes nothing and says why by line")
    func confirmations() async throws {
        try await TestPostgres.withDatabase { database in
            _ = try await Self.listed(database)
            let bad = try await Self.refusal([
                "CT954202409NC1,C1,400000,paid,2024-10-03,Lê Văn A",       // wrong amount
                "CT954202409NX9,X9,500000,paid,2024-10-03,",               // unknown
                "CT954202409NC2,C3,500000,paid,2024-10-03,",               // another beneficiary
                "CT954202409NB1,B1,500000,paid,2024-10-03,",               // not in cash
                "CT954202409NC3,C3,500000,gone,2024-10-03,",               // unknown status
                "CT954202409NC3,C3,500000,paid,2024-10-03,",
                "CT954202409NC3,C3,500000,paid,2024-10-03,",               // twice
            ], database)
            #expect(bad?.description == """
                Line 6, column status: 'gone' is not a status; use paid or not_found.
                Line 7, column end_to_end_id: CT954202409NC3 is confirmed again (first on line 6).
                Line 8, column end_to_end_id: CT954202409NC3 is confirmed again (first on line 6).
                Nothing was imported: 3 problems found.
                """)
            // Looked up two rows a statement: the problems of every statement, in line order.
            let mismatched = try await Self.refusal([
                "CT954202409NC1,C1,400000,paid,2024-10-03,Lê Văn A",
                "CT954202409NX9,X9,500000,paid,2024-10-03,",
                "CT954202409NC2,C3,500000,paid,2024-10-03,",
                "CT954202409NB1,B1,500000,paid,2024-10-03,",
            ], rowsPerStatement: 2, database)
            #expect(mismatched?.description == """
                Line 2: CT954202409NC1 is of 500000 đồng, not 400000.
                Line 3: no disbursement has the EndToEndId CT954202409NX9.
                Line 4: CT954202409NC2 is the disbursement of beneficiary C2, not C3.
                Line 5: CT954202409NB1 is approved, not on a cash list (cash_instructed): it cannot be confirmed.
                Nothing was imported: 4 problems found.
                """)
            // A good first statement and a bad second: the first is undone with the rest.
            let halfGood = try await Self.refusal([
                "CT954202409NC1,C1,500000,paid,2024-10-03,",
                "CT954202409NC2,C2,400000,paid,2024-10-03,",
            ], rowsPerStatement: 1, database)
            #expect(halfGood?.description.hasPrefix("Line 3: CT954202409NC2 is of 500000 đồng, not 400000.\n") == true)
            #expect(halfGood?.total == 1)
            #expect(try await Self.states(database) == ["C1": "cash_instructed", "C2": "cash_instructed", "C3": "cash_instructed", "B1": "approved"])

            let good = try Self.confirmation([
                "CT954202409NC1,C1,500000,paid,2024-10-03,Lê Văn A",
                "CT954202409NC2,C2,500000,not_found,,",
            ])
            // One row a statement: what each closes adds up.
            let outcome = try await CashConfirmation.confirm(path: good, by: .test("post office", role: .finance), database: database,
                                                             rowsPerStatement: 1)
            #expect(outcome.description == "Confirmed 2 cash payments: 1 paid, 1 returned (not found).")
            #expect(try await Self.states(database) == ["C1": "paid_cash", "C2": "returned", "C3": "cash_instructed", "B1": "approved"])
            let again = try await CashConfirmation.confirm(path: good, by: .test("someone else", role: .finance), database: database)
            #expect(again.alreadyConfirmedBy?.hasPrefix("post office on ") == true)
            // A disbursement already closed cannot be confirmed by another file.
            _ = try await Self.refusal(["CT954202409NC1,C1,500000,paid,2024-10-04,"], database)
        }
    }

    @Test("when every disbursement of a run is settled, the confirmation completes the run")
    func runCompletes() async throws {
        try await TestPostgres.withDatabase { database in
            var file = RegisterFileBuilder(district: "954")
            for id in ["K1", "K2"] { file.add(id, [.eligibleFrom: "2024-09"]) }
            try await RunFixture.importRegister(file, database)
            let runID = try await RunFixture.trigger("2024-09", autoApprove: true, database)
            try await WorkerHarness.withWorker(database: database, handlers: RunHandlers.all(policy: RunFixture.policy)) { _ in
                // The submit job drives the run until it is completed: it waits (snoozed) for the post office.
                try await eventually("cash listed") {
                    try await Self.states(database) == ["K1": "cash_instructed", "K2": "cash_instructed"]
                }
            }
            let first = try await CashConfirmation.confirm(path: try Self.confirmation(["CT954202409NK1,K1,500000,paid,2024-10-03,"]),
                                                           by: .test("post office", role: .finance), database: database)
            #expect(first.completedRuns.isEmpty)
            let second = try await CashConfirmation.confirm(path: try Self.confirmation(["CT954202409NK2,K2,500000,paid,2024-10-05,"]),
                                                            by: .test("post office", role: .finance), database: database)
            #expect(second.completedRuns == [runID])
            let status = try #require(try await RunStatus.list(period: Period("2024-09")!, districts: ["954"], database: database).first)
            #expect(status.state == .completed)
            // The reconciliation: Σ approved = Σ settled, nothing in flight, recorded on the run.
            let settlement = try #require(try await RunSettlement.of(runIDs: [runID], database: database)[runID])
            #expect(settlement.line == "paid_cash 2 · 1.000.000 ₫" && settlement.inFlight.count == 0)
            #expect(settlement.total.count == status.totals.count && settlement.total.amountVND == status.totals.totalVND)
            for try await recorded in try await database.client.query("SELECT reconciliation::text FROM runs WHERE id = \(runID)").decode(String.self) {
                #expect(recorded == #"{"paid_cash": {"count": 2, "amount_vnd": 1000000}}"#)
            }
        }
    }

    @Test("closing the month's cash returns what is unconfirmed; a run with a transfer still waiting for its rail stays approved")
    func closing() async throws {
        try await TestPostgres.withDatabase { database in
            let runID = try await Self.listed(database)
            _ = try await CashConfirmation.confirm(path: try Self.confirmation(["CT954202409NC1,C1,500000,paid,2024-10-03,"]),
                                                   by: .test("post office", role: .finance), database: database)
            let closed = try await CashClosing.close(district: "954", period: Period("2024-09")!, by: .test("finance", role: .finance), database: database)
            #expect(closed.description == "Closed the cash of district 954 for 2024-09: 2 unconfirmed payments of 1.000.000 ₫ returned, owed again next month.")
            #expect(try await Self.states(database) == ["C1": "paid_cash", "C2": "returned", "C3": "returned", "B1": "approved"])
            // B1 waits for the bank rail: the run is not completed.
            #expect(closed.completedRun == nil)
            #expect(try await RunStatus.list(period: Period("2024-09")!, districts: ["954"], database: database).first?.runID == runID)
            let again = try await CashClosing.close(district: "954", period: Period("2024-09")!, by: .test("finance", role: .finance), database: database)
            #expect(again.returned == 0)
        }
    }
}
