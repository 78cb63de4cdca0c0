import ChitraCore
import ChitraLocal
import ChitraStore
import ChitraTesting
import Foundation
import Testing

/// A worker host cut off mid-submission (issue 29): PostgreSQL on host tdb, the careless bank
/// (`--no-dedup`) on tsim, workers on tw1 and tw2, each over the hosts' network. tw1's link goes
/// down while it holds transfers; its leases expire, tw2 rescues its jobs and inquires what it had
/// on the wire, the month is paid exactly once; when the link returns, tw1 finds its leases gone
/// and what it still meant to write is refused.
extension HostsTests {
    @Test("a worker host cut off mid-submission: its jobs rescued, the month paid exactly once by the other; mended, it is told and writes nothing stale")
    func workerHostCutOff() async throws {
        try await Self.withHosts(["tdb", "tsim", "tw1", "tw2"]) { cluster, tls in
            let url = try await Self.databaseHost(cluster, tls: tls)
            try await Self.withCarelessBank(on: "tsim", seed: 3) {
                try await TestPostgres.withRunning(cluster.socketURL(.worker, database: "chitra")) { database in
                    try await Self.payOut(database, url: url)
                }
            }
        }
    }

    /// The bank that does not deduplicate (`--no-dedup`, realistic faults), listening on host
    /// `host`'s port 8097 while `body` runs.
    static func withCarelessBank(on host: String, seed: Int, _ body: () async throws -> Void) async throws {
        let log = NSTemporaryDirectory() + "chitra-hosts-\(host)-\(UUID().uuidString.prefix(8)).log"
        defer { try? FileManager.default.removeItem(atPath: log) }
        let address = try await Self.hosts(["address", host]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        let (banksim, leading) = ChitraProgram.banksim.command
        let simulator = try ChildProcess(executable: Self.script, arguments: ["run", host, banksim] + leading
                                             + ["--host", address, "--port", "8097", "--faults", "realistic", "--no-dedup", "--seed", "\(seed)"],
                                         logPath: log, endsWithParent: true)
        defer { simulator.signal(SIGTERM) }
        try await eventually("the bank listens in its host") { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("listening on ") }
        try await body()
    }

    static func payOut(_ database: Database, url: @Sendable (LocalCluster.LoginRole) -> String) async throws {
        let runID = try await PayoutFixture.approvedMonth(count: 2_000, database)
        let bank = "http://tsim.chitra.test:8097"
        let arguments = ["--bank-url", bank + "/bank", "--wallet-url", bank + "/wallet", "--rail-timeout-ms", "800", "--inquiry-ms", "200",
                         "--transfer-retry-base-ms", "50", "--batch-size", "40", "--concurrency", "4", "--lease-ms", "1500",
                         "--maintenance-ms", "300", "--poll-ms", "200", "--retry-base-ms", "20"]
        try await Self.cutOff(while: "transfer", url: url(.worker), arguments: arguments, database: database, until: "the month's transfers settle") {
            try await PayoutFixture.railsSettled(runID, database)
        }
        _ = try await FinanceRerun.fallBack(FinanceScope(district: "31825", period: PayoutFixture.period), by: .test("finance", role: .finance), database: database)
        let (file, _, _) = try await PostOffice.confirmations(district: "31825", period: PayoutFixture.period, paidOn: "2026-06-10",
                                                             notFound: { $0.hasSuffix("3") }, database: database)
        defer { try? FileManager.default.removeItem(atPath: file) }
        _ = try await CashConfirmation.confirm(path: file, by: .test("post office", role: .finance), database: database)
        try await eventually("the run is paid out") { try await RunRails.run(runID, database: database)?.state == .paidOut }
        let ledger = try await Self.hosts(["run", "tw2", "curl", "-s", "--noproxy", "*", "-m", "10", "http://tsim.chitra.test:8097/ledger"])
        try await PayoutFixture.checkLedger(JSONDecoder().decode([BankSimulatorProcess.Credit].self, from: Data(ledger.output.utf8)), database)
    }

    /// A `chitra-worker` on `host` reaching the database by `url`, logging at info to a file of its own.
    static func worker(on host: String, url: String, arguments: [String]) throws -> (ChildProcess, String) {
        let log = NSTemporaryDirectory() + "chitra-hosts-\(host)-\(UUID().uuidString.prefix(8)).log"
        let process = try ChildProcess(executable: Self.script, arguments: ["run", host, WorkerProcesses.executable] + arguments,
                                       environment: ["DATABASE_URL": url, "CHITRA_LOG_LEVEL": "info"].merging(TestPostgres.workerEnvironment) { $1 },
                                       logPath: log, endsWithParent: true)
        return (process, log)
    }

    /// Workers on tw1 and tw2 with `arguments`; tw1 cut off once it runs a job of `kind`; `done`
    /// awaited without it, its jobs rescued by tw2; then its link up again: its heartbeats find its
    /// leases gone, or the outcomes it flushes are refused — either way it is told, and writes
    /// nothing stale. Both workers stop at the end.
    static func cutOff(while kind: String, url: String, arguments: [String], database: Database, until what: String,
                       _ done: @escaping @Sendable () async throws -> Bool) async throws {
        let (w1, w1Log) = try Self.worker(on: "tw1", url: url, arguments: arguments)
        let (w2, w2Log) = try Self.worker(on: "tw2", url: url, arguments: arguments)
        defer {
            w1.signal(SIGTERM)
            w2.signal(SIGTERM)
            for log in [w1Log, w2Log] { try? FileManager.default.removeItem(atPath: log) }
        }
        let held = "SELECT count(*) FROM jobs WHERE state = 'running' AND kind = '\(kind)' AND lease_owner LIKE '%-\(w1.pid)-%'"
        try await eventually(timeout: .seconds(120), "w1 runs a \(kind) job") { try await RunFixture.count(held, database) > 0 }
        #expect(try await Self.hosts(["cut", "tw1"]).status == 0)
        try await eventually(timeout: .seconds(150), "\(what) without w1", saw: { try await PayoutFixture.seen(database) }, done)
        let rescued = "SELECT count(*) FROM jobs WHERE errors::text LIKE '%-\(w1.pid)-% stopped renewing its lease%'"
        #expect(try await RunFixture.count(rescued, database) > 0, "w1's jobs were rescued by the other host")
        #expect(try await Self.hosts(["mend", "tw1"]).status == 0)
        try await eventually(timeout: .seconds(60), "w1, back, is told its jobs are no longer its own",
                             saw: { String(((try? String(contentsOfFile: w1Log, encoding: .utf8)) ?? "").suffix(3000)) }) {
            ((try? String(contentsOfFile: w1Log, encoding: .utf8)) ?? "").contains("no longer this worker's")
        }
    }

    @Test("a worker host cut off mid-compute: its shards rescued, every beneficiary computed once to the calculator's amount; mended, it is told")
    func workerHostCutOffMidCompute() async throws {
        try await Self.withHosts(["tdb", "tw1", "tw2"]) { cluster, tls in
            let url = try await Self.databaseHost(cluster, tls: tls)
            try await TestPostgres.withRunning(cluster.socketURL(.worker, database: "chitra")) { database in
                let path = try await RegisterFileBuilder.synthetic(district: "31825", count: 20_000)
                defer { try? FileManager.default.removeItem(atPath: path) }
                _ = try await RegisterImporter(database: database, policy: RunFixture.policy).importFile(at: path, district: "31825", by: .test("operator"))
                let runID = try await RunFixture.trigger(PayoutFixture.period.description, unit: "31825", database)
                // Shards of 500: forty compute jobs between the two hosts.
                let arguments = ["--shard-size", "500", "--concurrency", "4", "--lease-ms", "1500", "--maintenance-ms", "300", "--poll-ms", "200",
                                 "--retry-base-ms", "20"]
                try await Self.cutOff(while: "compute", url: url(.worker), arguments: arguments, database: database, until: "the month computed") {
                    try await RunRails.run(runID, database: database)?.state == .computed
                }
                let problems = try await FirstRunAudit.check(period: PayoutFixture.period, policy: RunFixture.policy, database: database)
                #expect(problems.isEmpty, "\(problems.prefix(5))")
            }
        }
    }
}
