import ChitraCore
import ChitraLocal
import ChitraStore
import ChitraTesting
import ChitraWorker
import Foundation
import Logging
import PostgresNIO
import Testing

/// The monthly run with real `chitra-worker` processes dying at random moments, on a PostgreSQL
/// of its own (restarted in the middle; the shared cluster serves the other suites).
@Suite("Monthly run under crashes", .serialized)
struct RunChaosTests {
    static let period = Period("2026-06")!

    /// A private cluster with a migrated database holding `perDistrict` synthetic beneficiaries in
    /// each of `districts`.
    static func withRegister(perDistrict: Int, districts: [String] = CaMau.communeCodes, _ body: @Sendable (LocalCluster, DatabaseURL, Database) async throws -> Void) async throws {
        let cluster = try await LocalCluster.start()
        do {
            try await AdminStatement.createDatabase("chitra", on: cluster.ownerURL(), logger: TestPostgres.logger)
            try await Database.withRunning(cluster.ownerURL(database: "chitra"), scope: .owner, logger: TestPostgres.logger) {
                try await TestPostgres.migrate($0)
            }
            let url = cluster.url(.worker, database: "chitra")
            try await TestPostgres.withRunning(url) { database in
                let importer = RegisterImporter(database: database, policy: RunFixture.policy)
                for district in districts {
                    let path = try await RegisterFileBuilder.synthetic(district: district, count: perDistrict)
                    defer { try? FileManager.default.removeItem(atPath: path) }
                    _ = try await importer.importFile(at: path, district: district, by: .test("operator"))
                }
                try await body(cluster, url, database)
            }
        } catch {
            await cluster.stop()
            throw error
        }
        await cluster.stop()
    }

    static func allComputed(_ database: Database) async throws -> Bool {
        let runs = try await RunStatus.list(period: period, districts: nil, database: database)
        return runs.count == CaMau.communeCodes.count && runs.allSatisfy { $0.state == .computed }
    }

    /// Alone on the machine: three workers, their restarts and a server restart load two cores
    /// enough to starve the suites beside it.
    @Test("50,400 beneficiaries, 3 workers killed (SIGKILL) and restarted at random 10+ times, PostgreSQL restarted: every one paid once, exactly",
          .machine(.alone, limit: .minutes(10)))
    func killsAndRestart() async throws {
        try await Self.withRegister(perDistrict: 7_200) { cluster, url, database in
            _ = try await RunCoordinator(database: database).trigger(period: Self.period, districts: nil, by: .test("operator", role: .operator), autoApprove: false)
            // Small shards: about 200 compute jobs, so that kills land in the middle of many.
            let arguments = ["--shard-size", "250", "--concurrency", "4"]
            var workers = try (0..<3).map { _ in try WorkerProcesses.spawn(url: url, arguments: arguments) }
            var kills = 0
            var restartedPostgres = false
            var random = SystemRandomNumberGenerator()
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(240)
            while clock.now < deadline {
                try await Task.sleep(for: .milliseconds(Int.random(in: 60...360, using: &random)))
                if try await Self.allComputed(database) { break }
                let victim = Int.random(in: 0..<workers.count, using: &random)
                workers[victim].signal(SIGKILL)
                await workers[victim].waitForExit()
                kills += 1
                if kills == 5, !restartedPostgres {
                    try await cluster.restart()
                    restartedPostgres = true
                }
                workers[victim] = try WorkerProcesses.spawn(url: url, arguments: arguments)
            }
            try await eventually(timeout: .seconds(120), "every run computed") { try await Self.allComputed(database) }
            for worker in workers { worker.signal(SIGTERM) }
            for worker in workers { await worker.waitForExit() }

            print("chaos: \(kills) kills, PostgreSQL restarted: \(restartedPostgres)")
            #expect(kills >= 10, "only \(kills) kills before the run finished")
            #expect(restartedPostgres)
            let problems = try await FirstRunAudit.check(period: Self.period, policy: RunFixture.policy, database: database)
            #expect(problems.isEmpty, "\(problems)")
            let members = try await RunFixture.count(
                "SELECT count(*) FROM beneficiaries WHERE eligible_from <= '2026-06-01'", database)
            let counted = try await RunStatus.list(period: Self.period, districts: nil, database: database)
            #expect(counted.map { $0.members ?? 0 }.reduce(0, +) == members)
            #expect(counted.allSatisfy { $0.membersDone == $0.members && $0.shardsDone == $0.shards })
            #expect(try await RunFixture.count("SELECT count(*) FROM jobs WHERE state NOT IN ('completed')", database) == 0)
            // Work was really lost and done again: some jobs needed more than one attempt.
            #expect(try await RunFixture.count("SELECT count(*) FROM jobs WHERE kind = 'compute' AND attempt > 1", database) > 0)
        }
    }

    @Test("a worker killed after writing a shard's lines and disbursements, before its commit: the shard is written once, by another",
          .machine(limit: .minutes(5)))
    func dieAfterWriting() async throws {
        try await Self.withRegister(perDistrict: 300, districts: ["31825"]) { _, url, database in
            _ = try await RunCoordinator(database: database).trigger(period: Self.period, districts: ["31825"], by: .test("operator", role: .operator),
                                                                     autoApprove: false)
            let dying = try WorkerProcesses.spawn(url: url, arguments: ["--shard-size", "100", "--concurrency", "1", "--die-after-writing-shard", "1"])
            #expect(await dying.waitForExit() == SIGKILL, "the worker killed itself after writing its first shard")
            #expect(try await RunFixture.count("SELECT count(*) FROM disbursements", database) == 0, "nothing of the shard committed")
            #expect(try await RunFixture.count("SELECT count(*) FROM all_entitlement_lines", database) == 0)

            let worker = try WorkerProcesses.spawn(url: url)
            try await eventually("run computed") {
                try await RunStatus.list(period: Self.period, districts: ["31825"], database: database).first?.state == .computed
            }
            worker.signal(SIGTERM)
            await worker.waitForExit()
            let problems = try await FirstRunAudit.check(period: Self.period, policy: RunFixture.policy, database: database)
            #expect(problems.isEmpty, "\(problems)")
            #expect(try await RunFixture.count("SELECT count(*) FROM jobs WHERE kind = 'compute' AND attempt = 2", database) == 1,
                    "the shard the dead worker held was rescued and done once more")
        }
    }
}
