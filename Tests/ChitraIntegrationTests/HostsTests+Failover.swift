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

    @Test("the primary's host dies mid-submission, then the new primary's mid-cash-confirmation: the month paid exactly once through a bank that does not deduplicate, the confirmation taken once")
    func primaryDiesMidPayout() async throws {
        try await HACluster.with(hosts: ["sim", "w1", "w2"]) { ha in
            try await Self.withCarelessBank(on: "sim", seed: 5) { try await Self.payOutAcrossFailovers(ha) }
        }
    }

    /// The month paid with the primary's host killed mid-submission, revived, then the new
    /// primary's killed under the cash confirmation; checked against the bank's ledger.
    static func payOutAcrossFailovers(_ ha: HACluster) async throws {
        let runID = try await ha.withPrimary { try await PayoutFixture.approvedMonth(count: 2_000, $0) }
        let bank = "http://sim.chitra.test:8097"
        let arguments = ["--bank-url", bank + "/bank", "--wallet-url", bank + "/wallet", "--rail-timeout-ms", "800", "--inquiry-ms", "200",
                         "--transfer-retry-base-ms", "50", "--batch-size", "40", "--concurrency", "4", "--lease-ms", "1500",
                         "--maintenance-ms", "300", "--poll-ms", "200", "--retry-base-ms", "20"]
        let dead = try await Self.failover(ha, kind: "transfer", arguments: arguments, when: "transfers are on the wire", {
            let completed = try await RunFixture.count("SELECT count(*) FROM jobs WHERE kind = 'transfer' AND state = 'completed'", $0)
            let running = try await RunFixture.count("SELECT count(*) FROM jobs WHERE kind = 'transfer' AND state = 'running'", $0)
            return completed >= 3 && running > 0
        }, until: "the month's transfers settle") { try await PayoutFixture.railsSettled(runID, $0) }
        try await ha.revive(dead)
        try await ha.withPrimary { database in
            _ = try await FinanceRerun.fallBack(FinanceScope(district: "31825", period: PayoutFixture.period), by: .test("finance", role: .finance),
                                                database: database)
        }
        try await Self.confirmAcrossFailover(ha)
        try await eventually("the run is paid out") { await ha.poll { try await RunRails.run(runID, database: $0)?.state == .paidOut } }
        let ledger = try await Self.hosts(["run", "w1", "curl", "-s", "--noproxy", "*", "-m", "10", bank + "/ledger"])
        try await ha.withPrimary {
            try await PayoutFixture.checkLedger(JSONDecoder().decode([BankSimulatorProcess.Credit].self, from: Data(ledger.output.utf8)), $0)
        }
    }

    /// The post office's confirmation of the month's cash, in flight when the primary's host dies:
    /// it waits on a row another session holds, the host is killed, and it fails; sent again to the
    /// promoted standby it is taken, once, with nothing of the first attempt in it.
    static func confirmAcrossFailover(_ ha: HACluster) async throws {
        let superuser = try await ha.primarySocket(nil)
        let (file, paid, notFound) = try await ha.withPrimary {
            try await PostOffice.confirmations(district: "31825", period: PayoutFixture.period, paidOn: "2026-06-10", notFound: { $0.hasSuffix("3") },
                                               database: $0)
        }
        defer { try? FileManager.default.removeItem(atPath: file) }
        #expect(paid > 0 && notFound > 0)
        let primary = try #require(try await ha.leader())
        let first = try await withThrowingTaskGroup(of: Result<CashConfirmation.Outcome, any Error>?.self) { group in
            group.addTask {
                // The last cash row of the month, held until the host dies under it.
                do {
                    try await Database.withRunning(superuser, scope: .owner, logger: TestPostgres.logger) { owner in
                        try await owner.transaction("hold a cash row") { connection in
                            try await connection.query("""
                                SELECT 1 FROM disbursements WHERE (beneficiary_id, period) =
                                    (SELECT beneficiary_id, period FROM disbursements WHERE rail = 'cash' ORDER BY beneficiary_id DESC LIMIT 1)
                                FOR UPDATE
                                """, logger: TestPostgres.logger)
                            try await Task.sleep(for: .seconds(600))
                        }
                    }
                } catch {
                    // Cancelled once the confirmation's outcome is in; anything else is the test's own failure.
                    if !Task.isCancelled { Issue.record("holding a cash row: \(String(reflecting: error))") }
                }
                return nil
            }
            let held = "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'disbursements' AND l.mode = 'RowShareLock'"
            try await Database.withRunning(superuser, scope: .owner, logger: TestPostgres.logger) { watcher in
                try await eventually("the row is held") { try await RunFixture.count(held, watcher) > 0 }
            }
            group.addTask {
                do {
                    return .success(try await ha.withPrimary {
                        try await CashConfirmation.confirm(path: file, by: .test("post office", role: .finance), database: $0)
                    })
                } catch { return .failure(error) }
            }
            let waiting = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%UPDATE%disbursements%'"
            try await Database.withRunning(superuser, scope: .owner, logger: TestPostgres.logger) { watcher in
                try await eventually("the confirmation waits on the held row") { try await RunFixture.count(waiting, watcher) > 0 }
            }
            try await ha.kill(primary)
            var confirmed: Result<CashConfirmation.Outcome, any Error>?
            while let next = try await group.next() {
                if let next { confirmed = next; group.cancelAll() }
            }
            return confirmed
        }
        guard case .failure = first else { Issue.record("the confirmation in flight when the primary died failed: \(String(describing: first))"); return }
        let again = try await ha.withPrimary { try await CashConfirmation.confirm(path: file, by: .test("post office", role: .finance), database: $0) }
        #expect(again.previous == nil && again.paid == paid && again.returned == notFound, "\(again)")
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
