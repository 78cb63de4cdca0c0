import ChitraCore
import ChitraStore
import ChitraTesting
import Foundation
import PostgresNIO
import Testing

@Suite("Triggering many units at once", .machine(limit: .minutes(2)))
struct RunTriggerTests {
    static let units = ["954", "956", "957", "958"]
    static let period = Period("2024-09")!

    @Test("one trigger of many units: a unit without a run gets one, a cancelled run is triggered again under its next generation, a run under way is left as it is; each started run has its own plan job, audit entry and the operator's token, and triggering again adds nothing")
    func manyUnits() async throws {
        try await TestPostgres.withDatabase { database in
            for unit in Self.units {
                var file = RegisterFileBuilder(district: unit)
                file.add("T\(unit)")
                try await RunFixture.importRegister(file, database)
            }
            let operatorIdentity = try await Tokens.identity(TokenRequest(name: "Lê Văn An", role: .operator, districts: Self.units, expiresInDays: 1),
                                                             by: .test("admin", role: .admin), database: database).identity
            // The first runs by another operator: the runs started again must carry the second one's token.
            let earlier = try await Tokens.identity(TokenRequest(name: "Trần Văn Bảo", role: .operator, districts: Self.units, expiresInDays: 1),
                                                    by: .test("admin", role: .admin), database: database).identity
            let coordinator = RunCoordinator(database: database)
            let first = try await coordinator.trigger(period: Self.period, districts: ["954", "956"], by: earlier, autoApprove: false)
            #expect(first.map(\.started) == [true, true])
            _ = try await RunCancellation.cancel(district: "954", period: Self.period, by: earlier, database: database)

            let outcomes = try await coordinator.trigger(period: Self.period, districts: Self.units, by: operatorIdentity, autoApprove: false)
            // 954 again (generation 2), 956 left planning, 957 and 958 new.
            #expect(outcomes.map(\.started) == [true, false, true, true])
            #expect(try await Self.count("SELECT count(*) FROM runs WHERE unit_code = '954' AND generation = 2 AND state = 'planning'", database) == 1)
            guard case .alreadyTriggered("956", _, .planning) = outcomes[1] else { Issue.record("956: \(outcomes[1])"); return }
            var planJobs = Set<Int64>()
            for case .started(let unit, let runID, let job) in outcomes {
                planJobs.insert(job)
                #expect(try await Self.count("SELECT count(*) FROM jobs WHERE id = \(job) AND kind = 'plan' AND unit_code = '\(unit)' AND state = 'available' AND (args->>'runID')::int8 = \(runID)", database) == 1,
                        "the plan job of \(unit) is its own")
                #expect(try await Self.count("SELECT count(*) FROM runs WHERE id = \(runID) AND unit_code = '\(unit)' AND triggered_by = 'Lê Văn An' AND triggered_by_token = \(operatorIdentity.tokenID ?? -1)", database) == 1)
                // The job and the audit entry name the run's generation (2 for 954, started again).
                #expect(try await Self.count("""
                    SELECT count(*) FROM jobs j JOIN runs r ON r.id = \(runID)
                    WHERE j.id = \(job) AND (j.args->>'generation')::int4 = r.generation AND j.unique_key = 'plan:\(unit):2024-09:' || r.generation
                    """, database) == 1, "the plan job of \(unit) is of its run's generation")
                #expect(try await Self.count("""
                    SELECT count(*) FROM audit_log a JOIN runs r ON r.id = \(runID)
                    WHERE a.action = 'run.trigger' AND a.unit_code = '\(unit)' AND a.subject = 'run \(runID)' AND a.actor = 'Lê Văn An'
                      AND (a.after->>'generation')::int4 = r.generation
                    """, database) == 1, "the audit entry of \(unit) names its run and generation")
            }
            #expect(planJobs.count == 3)
            #expect(try await Self.count("SELECT count(*) FROM jobs WHERE kind = 'plan' AND state = 'available'", database) == 4, "956's first plan job and three new ones")
            // One entry a run triggered: 954 twice (and its cancellation), the others once.
            #expect(try await Self.entries(database) == ["954": 2, "956": 1, "957": 1, "958": 1])

            let again = try await coordinator.trigger(period: Self.period, districts: Self.units, by: operatorIdentity, autoApprove: false)
            #expect(again.map(\.started) == [false, false, false, false])
            #expect(try await Self.count("SELECT count(*) FROM jobs WHERE kind = 'plan'", database) == 5, "nothing enqueued again")
            #expect(try await Self.entries(database) == ["954": 2, "956": 1, "957": 1, "958": 1])
            // A unit named twice is one unit.
            let twice = try await coordinator.trigger(period: Period("2024-10")!, districts: ["957", "957"], by: operatorIdentity, autoApprove: false)
            #expect(twice.map(\.started) == [true])
            #expect(try await Self.count("SELECT count(*) FROM jobs WHERE kind = 'plan' AND unit_code = '957'", database) == 2)
            #expect(try await Self.entries(database) == ["954": 2, "956": 1, "957": 2, "958": 1])
        }
    }

    static func count(_ sql: String, _ database: Database) async throws -> Int {
        for try await count in try await database.query(PostgresQuery(unsafeSQL: sql), "count").decode(Int64.self) { return Int(count) }
        return -1
    }

    /// Trigger entries of the audit log by unit.
    static func entries(_ database: Database) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for try await (unit, count) in try await database.query("SELECT unit_code, count(*) FROM audit_log WHERE action = 'run.trigger' GROUP BY unit_code",
                                                               "count the audit log's triggers").decode((String, Int64).self) {
            counts[unit] = Int(count)
        }
        return counts
    }
}

extension RunCoordinator.Outcome {
    /// A run started (or started again), not left as it was.
    var started: Bool {
        guard case .started = self else { return false }
        return true
    }
}
