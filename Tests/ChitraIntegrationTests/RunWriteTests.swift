import ChitraCore
import ChitraStore
import ChitraTesting
import ChitraWorker
import Foundation
import PostgresNIO
import Testing

/// How a shard writes: rows already there are never written twice, and a district without
/// approval goes straight to approved.
@Suite("Run writes", .machine(limit: .minutes(3)))
struct RunWriteTests {
    /// Four members in one shard, planned for September 2024, and the disbursement and line that
    /// the shard will compute for them, to be written behind the run's back.
    static func plannedShard(_ database: Database) async throws -> (runID: Int64, shard: RunShard) {
        let (runID, plan) = try await RunFixture.planned("W", count: 4, shardSize: 10, database)
        return (runID, plan.shards[0])
    }

    static func insertDisbursement(_ id: String, amount: Int64, runID: Int64, endToEndID: String? = nil, period: String = "2024-09",
                                   _ database: Database) async throws {
        let e2e = endToEndID ?? EndToEndID.make(district: "954", period: Period(period)!, beneficiaryID: id)
        try await database.client.query("""
            INSERT INTO disbursements (beneficiary_id, period, unit_code, run_id, program, amount_vnd, method, rail, end_to_end_id)
            VALUES (\(id), \(period + "-01")::date, '954', \(runID), 'btxh', \(amount), 'cash', 'cash', \(e2e))
            """)
    }

    @Test("rows already there that are identical to what the shard computes are skipped, and the totals count every member")
    func identicalRowsSkipped() async throws {
        try await TestPostgres.withDatabase { database in
            let (runID, shard) = try await Self.plannedShard(database)
            try await Self.insertDisbursement("W2", amount: 500_000, runID: runID, database)
            try await database.client.query("""
                INSERT INTO entitlement_lines (beneficiary_id, run_period, month, kind, amount_vnd, unit_code, run_id)
                VALUES ('W3', '2024-09-01', '2024-09-01', 'regular', 500000, '954', \(runID))
                """)
            let result = try #require(try await RunFixture.compute(shard, database))
            #expect(result.disbursements == 4 && result.lines == 4)
            #expect(try await RunFixture.disbursements("2024-09", database) == ["W1": 500_000, "W2": 500_000, "W3": 500_000, "W4": 500_000])
            #expect(try await RunFixture.count("SELECT count(*) FROM all_entitlement_lines", database) == 4)
            let status = try #require(try await RunStatus.list(period: Period("2024-09")!, districts: ["954"], database: database).first)
            #expect(status.totals.count == 4 && status.totals.totalVND == 2_000_000)
            try await RunFixture.expectTotalsHold(runID, database)
        }
    }

    @Test("a month of one regular line of the disbursement's amount is implied by the disbursement; months that say more keep their rows")
    func impliedLines() async throws {
        try await TestPostgres.withDatabase { database in
            var file = RegisterFileBuilder(district: "954")
            file.add("I1", [.eligibleFrom: "2024-09"])          // September alone: implied
            file.add("I2", [.eligibleFrom: "2024-07"])          // July and August as arrears, and September
            try await RunFixture.importRegister(file, database)
            let runID = try await RunFixture.trigger("2024-09", database)
            let plan = try await RunFixture.plan(runID, shardSize: 10, database)
            let result = try #require(try await RunFixture.compute(plan.shards[0], database))
            #expect(result.lines == 4 && result.disbursements == 2)
            #expect(try await RunFixture.count("SELECT count(*) FROM entitlement_lines WHERE beneficiary_id = 'I1'", database) == 0)
            #expect(try await RunFixture.count("SELECT count(*) FROM entitlement_lines WHERE beneficiary_id = 'I2'", database) == 3)
            #expect(try await RunFixture.count("SELECT count(*) FROM disbursements WHERE lines_implied", database) == 1)
            var lines: [String] = []
            for try await (id, month, kind, amount) in try await database.client.query("""
                SELECT beneficiary_id, to_char(month, 'YYYY-MM'), kind, amount_vnd FROM all_entitlement_lines ORDER BY 1, 2
                """).decode((String, String, String, Int64).self) {
                lines.append("\(id) \(month) \(kind) \(amount)")
            }
            #expect(lines == ["I1 2024-09 regular 500000", "I2 2024-07 arrear 500000", "I2 2024-08 arrear 500000",
                              "I2 2024-09 regular 500000"])
            // The lookup breaks each month into its lines, implied or written.
            for (id, expected) in [("I1", ["2024-09 regular 500000"]), ("I2", ["2024-07 arrear 500000", "2024-08 arrear 500000", "2024-09 regular 500000"])] {
                let person = try #require(try await BeneficiaryLookup.find(id, database: database).first)
                #expect(person.disbursements.first?.lines.map { "\($0.month) \($0.kind) \($0.amountVND)" } == expected, "\(id)")
            }
            // October reads September's implied line as paid: one regular line again, nothing owed twice.
            let october = try await RunFixture.trigger("2024-10", database)
            _ = try await RunFixture.compute(try await RunFixture.plan(october, shardSize: 10, database).shards[0], database)
            #expect(try await RunFixture.disbursements("2024-10", database) == ["I1": 500_000, "I2": 500_000])
            #expect(try await RunFixture.count("SELECT count(*) FROM disbursements WHERE period = '2024-10-01' AND lines_implied", database) == 2)
        }
    }

    @Test("a disbursement already there that differs stops the shard, naming the beneficiary and both amounts")
    func differingDisbursementStops() async throws {
        try await TestPostgres.withDatabase { database in
            let (runID, shard) = try await Self.plannedShard(database)
            try await Self.insertDisbursement("W2", amount: 123, runID: runID, database)
            await #expect(throws: RunShardConflict.disbursement(beneficiaryID: "W2", period: "2024-09", computed: 500_000, recorded: 123,
                                                               recordedRun: runID, endToEndHolder: "W2", runID: runID)) {
                try await RunFixture.compute(shard, database)
            }
            let sentence = RunShardConflict.disbursement(beneficiaryID: "W2", period: "2024-09", computed: 500_000, recorded: 123,
                                                         recordedRun: runID, endToEndHolder: "W2", runID: runID).description
            #expect(sentence.hasPrefix("beneficiary W2: run \(runID) computes a disbursement of 500.000 ₫ for 2024-09, but one of 123 ₫ is already recorded"))
            // Nothing of the shard was written.
            #expect(try await RunFixture.disbursements("2024-09", database) == ["W2": 123])
            #expect(try await RunFixture.count("SELECT count(*) FROM run_totals", database) == 0)
        }
    }

    @Test("a line already there that differs stops the shard")
    func differingLineStops() async throws {
        try await TestPostgres.withDatabase { database in
            let (runID, shard) = try await Self.plannedShard(database)
            try await database.client.query("""
                INSERT INTO entitlement_lines (beneficiary_id, run_period, month, kind, amount_vnd, unit_code, run_id)
                VALUES ('W3', '2024-09-01', '2024-09-01', 'regular', 400000, '954', \(runID))
                """)
            await #expect(throws: RunShardConflict.line(beneficiaryID: "W3", month: "2024-09", kind: "regular", computed: 500_000,
                                                       recorded: 400_000, recordedRun: runID, runID: runID)) {
                try await RunFixture.compute(shard, database)
            }
        }
    }

    @Test("an EndToEndId already held by another beneficiary's disbursement stops the shard, naming both")
    func endToEndClashStops() async throws {
        try await TestPostgres.withDatabase { database in
            let (runID, shard) = try await Self.plannedShard(database)
            let e2e = EndToEndID.make(district: "954", period: Period("2024-09")!, beneficiaryID: "W4")
            try await Self.insertDisbursement("X9", amount: 500_000, runID: runID, endToEndID: e2e, database)
            await #expect(throws: RunShardConflict.disbursement(beneficiaryID: "W4", period: "2024-09", computed: 500_000, recorded: nil,
                                                               recordedRun: nil, endToEndHolder: "X9", runID: runID)) {
                try await RunFixture.compute(shard, database)
            }
        }
    }

    @Test("in a district that turned approval off, the last shard approves the run and enqueues its submit step")
    func approvalOff() async throws {
        try await TestPostgres.withDatabase { database in
            try await DistrictSettings.setApprovalRequired(false, district: "954", by: .test("admin", role: .admin), database: database)
            #expect(try await DistrictSettings.list(database: database).first { $0.code == "954" }?.approvalRequired == false)
            var file = RegisterFileBuilder(district: "954")
            file.add("P1", [.eligibleFrom: "2024-09"])
            try await RunFixture.importRegister(file, database)
            let runID = try await RunFixture.trigger("2024-09", database)
            let plan = try await RunFixture.plan(runID, shardSize: 10, database)
            #expect(try await RunFixture.compute(plan.shards[0], database)?.runState == .approved)
            for try await by in try await database.client.query("SELECT approved_by FROM runs WHERE id = \(runID)").decode(String?.self) {
                #expect(by == "approval off")
            }
            #expect(try await JobQueue(database: database).countsByState(kind: "submit") == [.available: 1])
            // P1 is paid in cash: approving lists it for the post office.
            #expect(try await RunFixture.count("""
                SELECT count(*) FROM disbursements d JOIN runs r ON r.id = d.run_id WHERE disbursement_state_seen(d.state, d.rail, r.state) = 'cash_instructed'
                """, database) == 1)
            await #expect(throws: DistrictSettings.Failure.unknownDistrict("999")) {
                try await DistrictSettings.setApprovalRequired(true, district: "999", by: .test("admin", role: .admin), database: database)
            }
        }
    }

    @Test("a compute step failing on its last attempt fails the run with the reason")
    func lastAttemptFailsRun() async throws {
        try await TestPostgres.withDatabase { database in
            var file = RegisterFileBuilder(district: "954")
            file.add("F1", [.eligibleFrom: "2024-09"])
            try await RunFixture.importRegister(file, database)
            let runID = try await RunFixture.trigger("2024-09", database)
            _ = try await RunFixture.plan(runID, shardSize: 10, database)
            // Every write of a disbursement now fails, and the compute job has one attempt.
            try await TestPostgres.withOwner(of: database) {
                try await $0.query("ALTER TABLE disbursements ADD CONSTRAINT never CHECK (amount_vnd < 0) NOT VALID", "add a failing check")
            }
            try await database.client.query("UPDATE jobs SET max_attempts = 1 WHERE kind = 'compute'")
            try await WorkerHarness.withWorker(database: database, handlers: RunHandlers.all(policy: RunFixture.policy)) { _ in
                // The run is marked failed in the handler; the job's outcome follows in the worker's next batch.
                try await eventually("run failed and its compute job discarded") {
                    let state = try await RunStatus.list(period: Period("2024-09")!, districts: ["954"], database: database).first?.state
                    let jobs = try await JobQueue(database: database).countsByState(kind: "compute")
                    return state == .failed && jobs == [.discarded: 1]
                }
            }
            let status = try #require(try await RunStatus.list(period: Period("2024-09")!, districts: ["954"], database: database).first)
            let error = status.lastError ?? ""
            #expect(error.hasPrefix("its compute job ") && error.contains("failed on its last attempt (1 of 1): "), "\(error)")
            #expect(error.contains("never"), "names the constraint: \(error)")
        }
    }

    @Test("a run with no members is computed at once, or approved at once with auto-approve")
    func noMembers() async throws {
        try await TestPostgres.withDatabase { database in
            var file = RegisterFileBuilder(district: "954")
            file.add("L1", [.eligibleFrom: "2024-11"])                         // entitled only later
            try await RunFixture.importRegister(file, database)
            let runID = try await RunFixture.trigger("2024-09", database)
            let plan = try await RunFixture.plan(runID, shardSize: 10, database)
            #expect(plan.members == 0 && plan.shards.isEmpty)
            let september = try #require(try await RunStatus.list(period: Period("2024-09")!, districts: ["954"], database: database).first)
            #expect(september.state == .computed && september.members == 0)

            let outcomes = try await RunCoordinator(database: database)
                .trigger(period: Period("2024-10")!, districts: ["954"], by: .test("operator", role: .operator), autoApprove: true)
            guard case .started(_, let october, _) = outcomes.first else { Issue.record("\(outcomes)"); return }
            _ = try await RunFixture.plan(october, shardSize: 10, database)
            #expect(try await RunStatus.list(period: Period("2024-10")!, districts: ["954"], database: database).first?.state == .approved)
            #expect(try await JobQueue(database: database).countsByState(kind: "submit") == [.available: 1])
            #expect(try await DistrictSettings.list(database: database).first { $0.code == "954" }?.computedThrough == "2024-10")
        }
    }
}
