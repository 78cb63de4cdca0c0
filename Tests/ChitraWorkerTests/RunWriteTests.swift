import ChitraCore
import ChitraStore
import ChitraTesting
import ChitraWorker
import Foundation
import PostgresNIO
import Testing

/// How a shard writes: rows already there are never written twice, and a district without
/// approval goes straight to approved.
@Suite("Run writes", .timeLimit(.minutes(3)))
struct RunWriteTests {
    @Test("a shard meeting a disbursement and a line already written writes only what is missing, and counts only that")
    func rowsAlreadyThere() async throws {
        try await TestPostgres.withDatabase { database in
            var file = RegisterFileBuilder(district: "954")
            for index in 1...4 { file.add("W\(index)", [.eligibleFrom: "2024-09"]) }
            try await RunFixture.importRegister(file, database)
            let runID = try await RunFixture.trigger("2024-09", database)
            let plan = try await RunFixture.plan(runID, shardSize: 10, database)
            // Written before, by hand or by a bug: the COPY meets them and the shard takes the slow way.
            try await database.client.query("""
                INSERT INTO disbursements (beneficiary_id, period, district_code, run_id, program, amount_vnd, method, rail, end_to_end_id)
                VALUES ('W2', '2024-09-01', '954', \(runID), 'btxh', 123, 'cash', 'cash', 'CT954202409W2')
                """)
            try await database.client.query("""
                INSERT INTO entitlement_lines (beneficiary_id, run_period, month, kind, amount_vnd, district_code, run_id)
                VALUES ('W3', '2024-09-01', '2024-09-01', 'regular', 500000, '954', \(runID))
                """)
            let result = try #require(try await RunFixture.compute(plan.shards[0], database))
            #expect(result.disbursements == 3 && result.lines == 3, "W2's disbursement and W3's line were there")
            #expect(try await RunFixture.disbursements("2024-09", database) == ["W1": 500_000, "W2": 123, "W3": 500_000, "W4": 500_000])
            let lines = try await RunFixture.count("SELECT count(*) FROM entitlement_lines", database)
            #expect(lines == 4)
            // The run's totals count what the run wrote: three disbursements, not W2's.
            let status = try #require(try await RunStatus.list(period: Period("2024-09")!, districts: ["954"], database: database).first)
            #expect(status.totals.count == 3 && status.totals.totalVND == 1_500_000)
        }
    }

    @Test("in a district that turned approval off, the last shard approves the run and enqueues its submit step")
    func approvalOff() async throws {
        try await TestPostgres.withDatabase { database in
            try await DistrictSettings.setApprovalRequired(false, district: "954", database: database)
            #expect(try await DistrictSettings.list(database: database).first { $0.code == "954" }?.approvalRequired == false)
            var file = RegisterFileBuilder(district: "954")
            file.add("P1", [.eligibleFrom: "2024-09"])
            try await RunFixture.importRegister(file, database)
            let runID = try await RunFixture.trigger("2024-09", database)
            let plan = try await RunFixture.plan(runID, shardSize: 10, database)
            #expect(try await RunFixture.compute(plan.shards[0], database)?.runState == "approved")
            for try await by in try await database.client.query("SELECT approved_by FROM runs WHERE id = \(runID)").decode(String?.self) {
                #expect(by == "approval off")
            }
            #expect(try await JobQueue(database: database).countsByState(kind: "submit") == [.available: 1])
            #expect(try await RunFixture.count("SELECT count(*) FROM disbursements WHERE state = 'approved'", database) == 1)
            await #expect(throws: DistrictSettings.Failure.unknownDistrict("999", known: ["954", "956", "957", "958", "959", "960", "961"])) {
                try await DistrictSettings.setApprovalRequired(true, district: "999", database: database)
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
            try await database.client.query("ALTER TABLE disbursements ADD CONSTRAINT never CHECK (amount_vnd < 0) NOT VALID")
            try await database.client.query("UPDATE jobs SET max_attempts = 1 WHERE kind = 'compute'")
            try await WorkerHarness.withWorker(database: database, handlers: RunHandlers.all(policy: RunFixture.policy)) { _ in
                // The run is marked failed in the handler; the job's outcome follows in the worker's next batch.
                try await eventually("run failed and its compute job discarded") {
                    let state = try await RunStatus.list(period: Period("2024-09")!, districts: ["954"], database: database).first?.state
                    let jobs = try await JobQueue(database: database).countsByState(kind: "compute")
                    return state == "failed" && jobs == [.discarded: 1]
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
            #expect(september.state == "computed" && september.members == 0)

            let outcomes = try await RunCoordinator(database: database)
                .trigger(period: Period("2024-10")!, districts: ["954"], by: "operator", autoApprove: true)
            guard case .started(_, let october, _) = outcomes.first else { Issue.record("\(outcomes)"); return }
            _ = try await RunFixture.plan(october, shardSize: 10, database)
            #expect(try await RunStatus.list(period: Period("2024-10")!, districts: ["954"], database: database).first?.state == "approved")
            #expect(try await JobQueue(database: database).countsByState(kind: "submit") == [.available: 1])
            #expect(try await DistrictSettings.list(database: database).first { $0.code == "954" }?.computedThrough == "2024-10")
        }
    }
}
