import ChitraLocal
import ChitraStore
import ChitraTesting
import ChitraWorker
import Foundation
import PostgresNIO
import Testing

/// A worker on one host and PostgreSQL on another (issue 29): the worker reaches the database over
/// the hosts' network only, by its name, with TLS (`sslmode=verify-full` against a CA the harness
/// made); the server takes no connection from the network without TLS (`hostssl`).
extension HostsTests {
    @Test("a worker on host w1 drains jobs from PostgreSQL on host db over TLS verify-full, by name; a connection without TLS is refused")
    func workerOverTLS() async throws {
        try await Self.withHosts(["tdb", "tw1"]) { try await Self.workerOverTLS($0, tls: $1) }
    }

    /// Runs `body` with hosts `names` up and a private cluster (not yet in a host) whose folder
    /// holds `tls` for the certificates; everything removed afterwards, however it ends.
    static func withHosts(_ names: [String], _ body: (LocalCluster, String) async throws -> Void) async throws {
        _ = try await Self.hosts(["down"])
        #expect(try await Self.hosts(["up"] + names).status == 0)
        let folder = NSTemporaryDirectory() + "chitra-hosts-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cluster = try await LocalCluster.start(in: folder + "/cluster")
        do {
            try await body(cluster, folder + "/tls")
        } catch {
            await cluster.stop()
            _ = try await Self.hosts(["down"])
            throw error
        }
        await cluster.stop()
        #expect(try await Self.hosts(["down"]).status == 0)
    }

    /// Migrates `cluster` on the machine, then moves it into host tdb: there it listens on its
    /// address, with the certificate of tdb.chitra.test (the harness's CA in `tls`), and takes the
    /// hosts' network only over TLS. The URL a host reaches it by, as `role`.
    static func databaseHost(_ cluster: LocalCluster, tls: String) async throws -> @Sendable (LocalCluster.LoginRole) -> String {
        try await AdminStatement.createDatabase("chitra", on: cluster.ownerURL(), logger: TestPostgres.logger)
        try await Database.withRunning(cluster.ownerURL(database: "chitra"), scope: .owner, logger: TestPostgres.logger) {
            try await TestPostgres.migrate($0)
        }
        let hosted = try await cluster.moveIntoHost(HostPlacement(script: Self.script, host: "tdb"), tls: tls)
        return { role in hosted.url(role, database: "chitra").connectionString }
    }

    static func workerOverTLS(_ cluster: LocalCluster, tls: String) async throws {
        let remote = try await databaseHost(cluster, tls: tls)(.worker)
        let password = cluster.passwords[.worker]?.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let log = NSTemporaryDirectory() + "chitra-hosts-worker-\(UUID().uuidString.prefix(8)).log"
        defer { try? FileManager.default.removeItem(atPath: log) }
        let worker = try ChildProcess(executable: Self.script, arguments: ["run", "tw1", WorkerProcesses.executable, "--diagnostics", "--poll-ms", "200"],
                                      environment: ["DATABASE_URL": remote, "CHITRA_LOG_LEVEL": "info"].merging(TestPostgres.workerEnvironment) { $1 },
                                      logPath: log, endsWithParent: true)
        defer { worker.signal(SIGTERM) }
        try await TestPostgres.withRunning(cluster.socketURL(.worker, database: "chitra")) { database in
            let queue = JobQueue(database: database)
            try await queue.enqueue((0..<20).map { _ in NewJob(kind: "noop", districtCode: "954") })
            try await eventually(timeout: .seconds(60), "the worker on w1 runs the jobs", saw: { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }) {
                try await queue.countsByState() == [.completed: 20]
            }
        }
        // Its sessions come from w1's address, encrypted.
        let w1 = try await Self.hosts(["address", "tw1"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        let encrypted = try await Database.withRunning(cluster.socketURL(nil, database: "chitra"), scope: .owner, logger: TestPostgres.logger) { superuser in
            var count = 0
            for try await n in try await superuser.client.query("""
                SELECT count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)
                WHERE a.usename = 'chitra_worker' AND s.ssl AND host(a.client_addr) = \(w1)
                """).decode(Int64.self) { count = Int(n) }
            return count
        }
        #expect(encrypted > 0, "the worker's sessions from \(w1) are encrypted")
        // Without TLS the server does not let w1 in.
        let plain = try await Self.hosts(["run", "tw1", "psql", "-X", "-At", "-c", "SELECT 1",
                                          "postgres://chitra_worker:\(password)@tdb.chitra.test:\(cluster.port)/chitra?sslmode=disable"])
        #expect(plain.status != 0 && plain.output.contains("no encryption"), "\(plain.output)")
    }
}
