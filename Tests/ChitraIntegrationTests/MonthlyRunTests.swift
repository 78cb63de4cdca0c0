import ChitraCore
import ChitraStore
import ChitraTesting
import ChitraWorker
import Foundation
import PostgresNIO
import Testing

@Suite("Monthly run", .machine(limit: .minutes(3)))
struct MonthlyRunTests {

    /// Triggers `period` and lets an in-process worker run it to its end.
    static func run(_ period: String, _ database: Database) async throws -> [RunCoordinator.Outcome] {
        let outcomes = try await RunCoordinator(database: database)
            .trigger(period: Period(period)!, districts: ["954"], by: .test("operator", role: .operator), autoApprove: true)
        try await WorkerHarness.withWorker(database: database, handlers: RunHandlers.all(policy: RunFixture.policy)) { _ in
            try await eventually("run \(period) approved") {
                try await RunStatus.list(period: Period(period)!, districts: ["954"], database: database).first?.state == .approved
            }
        }
        return outcomes
    }

    @Test("a run pays every beneficiary entitled by then exactly once, at the calculator's amount; a second trigger enqueues nothing")
    func firstMonth() async throws {
        try await TestPostgres.withDatabase { database in
            var file = RegisterFileBuilder(district: "954")
            file.add("R1")                                                      // btxh 1.0 from 2024-07: 07, 08 arrears + 09
            file.add("R2", [.program: "ncc", .category: "tro_cap_nuoi_duong", .eligibleFrom: "2024-09", .paymentMethod: "bank",
                            .bankCode: "970405", .accountNumber: "1234567890", .accountName: "R2"])
            file.add("R3", [.paidThrough: "2024-08"])                           // legacy months settled
            file.add("R4", [.eligibleFrom: "2024-10"])                          // not yet entitled
            try await RunFixture.importRegister(file, database)

            let outcomes = try await Self.run("2024-09", database)
            #expect(outcomes.count == 1)
            guard case .started = outcomes[0] else { Issue.record("not started: \(outcomes)"); return }
            let again = try await RunCoordinator(database: database)
                .trigger(period: Period("2024-09")!, districts: ["954"], by: .test("operator", role: .operator), autoApprove: true)
            guard case .alreadyTriggered(_, _, .approved) = again[0] else { Issue.record("triggered twice: \(again)"); return }
            #expect(try await JobQueue(database: database).countsByState(kind: "plan") == [.completed: 1])
            // Auto-approved by the last shard, which enqueued the submit step; it waits for the rails.
            #expect(try await JobQueue(database: database).countsByState(kind: "submit") == [.available: 1])

            #expect(try await RunFixture.disbursements("2024-09", database) == ["R1": 1_500_000, "R2": 2_231_000, "R3": 500_000])
            let status = try #require(try await RunStatus.list(period: Period("2024-09")!, districts: nil, database: database).first)
            #expect(status.members == 3 && status.membersDone == 3 && status.disbursements == 3)
            #expect(status.disbursedVND == 1_500_000 + 2_231_000 + 500_000)
            #expect(status.totals.byProgram == ["btxh": 2_000_000, "ncc": 2_231_000] && status.totals.countByRail == ["bank": 1, "cash": 2])
            let rows = try await database.client.query(
                "SELECT end_to_end_id, rail FROM disbursements WHERE beneficiary_id = 'R2'")
            for try await (e2e, rail) in rows.decode((String, String).self) {
                #expect(e2e == "CT954202409NR2" && rail == "bank")
            }
        }
    }

    @Test("a second month after a late death and a category corrected from a paid month: recovery and arrears, hand-computed")
    func secondMonth() async throws {
        try await TestPostgres.withDatabase { database in
            var file = RegisterFileBuilder(district: "954")
            file.add("S1", [.eligibleFrom: "2024-09"])
            file.add("S2", [.eligibleFrom: "2024-08"])
            file.add("S3", [.eligibleFrom: "2024-09"])
            try await RunFixture.importRegister(file, database)
            _ = try await Self.run("2024-09", database)
            #expect(try await RunFixture.disbursements("2024-09", database) == ["S1": 500_000, "S2": 1_000_000, "S3": 500_000])

            var changes = RegisterFileBuilder(district: "954")
            changes.add("S1", [.eligibleFrom: "2024-08", .deceasedOn: "2024-08-30"])   // eligibility corrected too
            changes.add("S2", [.eligibleFrom: "2024-08", .category: "khuyet_tat_nang", .changeFrom: "2024-08"])
            changes.add("S4", [.eligibleFrom: "2024-08"])                        // new, with arrears
            try await RunFixture.importRegister(changes, database)
            _ = try await Self.run("2024-10", database)
            let october = try await RunFixture.disbursements("2024-10", database)
            // S1 died in August, reported late: September (500,000) recovered from the funeral allowance
            // (10,000,000, btxh level of August 2024); August itself was never paid and is owed.
            let s1: Int64 = 10_000_000 - 500_000 + 500_000
            #expect(october["S1"] == s1)
            // S2 corrected to 1.5 from August: 250,000 more for August and September, then 750,000.
            let s2: Int64 = 250_000 + 250_000 + 750_000
            #expect(october["S2"] == s2)
            #expect(october["S3"] == 500_000)
            // S4 new: August and September arrears and October.
            #expect(october["S4"] == 1_500_000)
        }
    }
}

extension MonthlyRunTests {
    /// Triggers 2024-09 for district 954 and plans it; returns its only shard.
    static func triggerAndPlan(_ database: Database) async throws -> RunShard {
        let plan = try await RunFixture.plan(try await RunFixture.trigger("2024-09", database), database)
        guard let shard = plan.shards.first, plan.shards.count == 1 else { throw RunFixture.Unexpected("\(plan.shards)") }
        return shard
    }

    @Test("a register import arriving while a run computes does not change the run: it uses its snapshot")
    func snapshot() async throws {
        try await TestPostgres.withDatabase { database in
            var file = RegisterFileBuilder(district: "954")
            file.add("N1", [.eligibleFrom: "2024-09"])
            try await RunFixture.importRegister(file, database)
            let shard = try await Self.triggerAndPlan(database)

            var change = RegisterFileBuilder(district: "954")
            change.add("N1", [.eligibleFrom: "2024-09", .category: "cao_tuoi_80_ngheo"])   // 2.0 instead of 1.0
            change.add("N2", [.eligibleFrom: "2024-09"])                                     // new
            try await RunFixture.importRegister(change, database)

            let result = try await RunFixture.compute(shard, database)
            #expect(result?.members == 1 && result?.runState == .computed)
            #expect(try await RunFixture.disbursements("2024-09", database) == ["N1": 500_000])
        }
    }

    @Test("a compute step that dies before its commit leaves nothing; done again it writes everything once")
    func crashBeforeCommit() async throws {
        try await TestPostgres.withDatabase { database in
            var file = RegisterFileBuilder(district: "954")
            for index in 1...20 { file.add("K\(index)", [.eligibleFrom: "2024-08"]) }
            try await RunFixture.importRegister(file, database)
            let shard = try await Self.triggerAndPlan(database)
            let calculator = RunFixture.calculator
            struct Crash: Error {}
            await #expect(throws: Crash.self) {
                try await database.transaction("compute, then die") { connection in
                    _ = try await RunComputer.compute(shard, calculator: calculator, on: connection)
                    throw Crash()
                }
            }
            #expect(try await RunFixture.count("SELECT count(*) FROM all_entitlement_lines", database) == 0)
            #expect(try await RunFixture.count("SELECT count(*) FROM disbursements", database) == 0)
            #expect(try await RunFixture.count("SELECT shards_done::int8 FROM runs", database) == 0)

            let result = try await database.transaction("compute") { connection in
                try await RunComputer.compute(shard, calculator: calculator, on: connection)
            }
            #expect(result?.lines == 40 && result?.disbursements == 20)
            // The run moved on: computing the shard again does nothing.
            let again = try await database.transaction("compute again") { connection in
                try await RunComputer.compute(shard, calculator: calculator, on: connection)
            }
            #expect(again == nil)
            #expect(try await RunFixture.count("SELECT count(*) FROM all_entitlement_lines", database) == 40)
            #expect(try await RunFixture.count("SELECT sum(amount_vnd)::int8 FROM disbursements", database) == 20_000_000)
        }
    }
}

extension MonthlyRunTests {
    @Test("finance approves a computed run with its control totals; the maker cannot check, and twice is refused")
    func approval() async throws {
        try await TestPostgres.withDatabase { database in
            var file = RegisterFileBuilder(district: "954")
            file.add("A1", [.eligibleFrom: "2024-09"])
            file.add("A2", [.eligibleFrom: "2024-09", .program: "ncc", .category: "ba_me_vnah", .paymentMethod: "wallet",
                            .walletProvider: "momo", .walletID: "0912345678"])
            try await RunFixture.importRegister(file, database)
            let shard = try await Self.triggerAndPlan(database)
            _ = try await RunFixture.compute(shard, database)
            let period = Period("2024-09")!
            await #expect(throws: RunApproval.Failure.sameApprover(name: "operator")) {
                try await RunApproval.approve(district: "954", period: period, by: .test("operator", role: .finance), database: database)
            }
            let totals = try await RunApproval.approve(district: "954", period: period, by: .test("finance", role: .finance), database: database)
            #expect(totals.count == 2 && totals.totalVND == 500_000 + 8_367_000)
            #expect(totals.byProgram == ["btxh": 500_000, "ncc": 8_367_000] && totals.byRail == ["cash": 500_000, "wallet": 8_367_000])
            // Approval is the run's: it writes no disbursement. The wallet transfer is seen waiting for
            // its rail, the cash payment on the post office's list.
            #expect(try await RunFixture.count("SELECT count(*) FROM disbursements WHERE state = 'computed'", database) == 2)
            let seen = "SELECT count(*) FROM disbursements d JOIN runs r ON r.id = d.run_id WHERE disbursement_state_seen(d.state, d.rail, r.state)"
            #expect(try await RunFixture.count("\(seen) = 'approved' AND d.rail = 'wallet'", database) == 1)
            #expect(try await RunFixture.count("\(seen) = 'cash_instructed' AND d.rail = 'cash'", database) == 1)
            await #expect(throws: RunApproval.Failure.notComputed(district: "954", period: "2024-09", state: "approved")) {
                try await RunApproval.approve(district: "954", period: period, by: .test("finance", role: .finance), database: database)
            }
            // Approval enqueued the submit step, once.
            #expect(try await JobQueue(database: database).countsByState(kind: "submit") == [.available: 1])
        }
    }
}

extension MonthlyRunTests {
    @Test("a run cancelled before approval loses its disbursements; triggered again it computes afresh")
    func cancelAndRetrigger() async throws {
        try await TestPostgres.withDatabase { database in
            var file = RegisterFileBuilder(district: "954")
            file.add("X1", [.eligibleFrom: "2024-09"])
            try await RunFixture.importRegister(file, database)
            let shard = try await Self.triggerAndPlan(database)
            _ = try await RunFixture.compute(shard, database)
            #expect(try await RunCancellation.cancel(district: "954", period: Period("2024-09")!, by: .test("operator"), database: database) == 1)
            #expect(try await RunFixture.count("SELECT count(*) FROM disbursements", database) == 0)
            #expect(try await RunFixture.count("SELECT count(*) FROM all_entitlement_lines", database) == 0)
            await #expect(throws: RunCancellation.Failure.tooLate(district: "954", period: "2024-09", state: "cancelled")) {
                try await RunCancellation.cancel(district: "954", period: Period("2024-09")!, by: .test("operator"), database: database)
            }
            // The register changed meanwhile; the new computation sees it.
            var change = RegisterFileBuilder(district: "954")
            change.add("X1", [.eligibleFrom: "2024-09", .category: "cao_tuoi_80_ngheo"])
            try await RunFixture.importRegister(change, database)
            let outcomes = try await Self.run("2024-09", database)
            guard case .started(_, shard.runID, _) = outcomes[0] else { Issue.record("not restarted: \(outcomes)"); return }
            #expect(try await RunFixture.disbursements("2024-09", database) == ["X1": 1_000_000])
            #expect(try await RunFixture.count("SELECT generation::int8 FROM runs", database) == 2)
        }
    }
}
