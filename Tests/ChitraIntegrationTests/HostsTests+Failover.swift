import ChitraCore
import ChitraLocal
import ChitraStore
import ChitraTesting
import Foundation
import Testing

/// The primary's host dies (issue 29): PostgreSQL under Patroni on pg1 and pg2 with synchronous
/// replication, HAProxy on db following the leader, workers on w1 and w2 reaching it over TLS.
/// The standby is promoted, the workers reconnect, the month completes, and nothing a client was
/// told is committed is lost: every amount is the calculator's, every transfer credited once.
extension HostsTests {
    @Test("the primary's host dies mid-compute: the standby is promoted, the workers go on, every beneficiary computed once to the calculator's amount")
    func primaryDiesMidCompute() async throws {
        try await HACluster.with(hosts: ["w1", "w2"]) { ha in
            let runID = try await ha.withPrimary { database in
                let path = try await RegisterFileBuilder.synthetic(district: "31825", count: 20_000)
                defer { try? FileManager.default.removeItem(atPath: path) }
                _ = try await RegisterImporter(database: database, policy: RunFixture.policy).importFile(at: path, district: "31825", by: .test("operator"))
                return try await RunFixture.trigger(PayoutFixture.period.description, unit: "31825", database)
            }
            let arguments = ["--shard-size", "500", "--concurrency", "4", "--lease-ms", "1500", "--maintenance-ms", "300", "--poll-ms", "200",
                             "--retry-base-ms", "20"]
            try await Self.failover(ha, kind: "compute", arguments: arguments, when: "a tenth of the compute's shards are done", {
                try await RunFixture.count("SELECT count(*) FROM jobs WHERE kind = 'compute' AND state = 'completed'", $0) >= 4
            }, until: "the month computed") {
                try await RunRails.run(runID, database: $0)?.state == .computed
            }
            let problems = try await ha.withPrimary {
                try await FirstRunAudit.check(period: PayoutFixture.period, policy: RunFixture.policy, database: $0)
            }
            #expect(problems.isEmpty, "\(problems.prefix(5))")
        }
    }

    /// Workers on w1 and w2 over the proxy; once `ready` holds, the primary's host is killed; then
    /// `done` awaited on the promoted standby, and jobs of `kind` seen finished after the kill (the
    /// work went on across it). Returns the host that died.
    @discardableResult
    static func failover(_ ha: HACluster, kind: String, arguments: [String], when what: String, _ ready: @escaping @Sendable (Database) async throws -> Bool,
                         until goal: String, _ done: @escaping @Sendable (Database) async throws -> Bool) async throws -> String {
        let (w1, w1Log) = try Self.worker(on: "w1", url: ha.proxyURL(.worker), arguments: arguments)
        let (w2, w2Log) = try Self.worker(on: "w2", url: ha.proxyURL(.worker), arguments: arguments)
        defer {
            w1.signal(SIGTERM)
            w2.signal(SIGTERM)
            for log in [w1Log, w2Log] { try? FileManager.default.removeItem(atPath: log) }
        }
        let logs: @Sendable () async throws -> String = {
            let tails = [w1Log, w2Log].map { String(((try? String(contentsOfFile: $0, encoding: .utf8)) ?? "").suffix(1500)) }
            return await ha.list() + "\n" + tails.joined(separator: "\n---\n")
        }
        try await eventually(timeout: .seconds(120), what, saw: logs) { await ha.poll(ready) }
        let primary = try #require(try await ha.leader())
        let now = "SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint"
        let killedAt = try await ha.withPrimary { try await RunFixture.count(now, $0) }
        try await ha.kill(primary)
        try await eventually(timeout: .seconds(180), "\(goal) after the primary's host died", saw: logs) { await ha.poll(done) }
        let after = "SELECT count(*) FROM jobs WHERE kind = '\(kind)' AND finalized_at > to_timestamp(\(killedAt) / 1000.0)"
        #expect(try await ha.withPrimary { try await RunFixture.count(after, $0) } > 0, "\(kind) jobs finished after the failover")
        let promoted = try await ha.leader()
        let cluster = await ha.list()
        #expect(promoted != nil && promoted != primary, "the standby leads now: \(cluster)")
        return primary
    }
}
