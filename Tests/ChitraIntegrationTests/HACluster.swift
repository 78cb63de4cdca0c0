import ChitraLocal
import ChitraStore
import ChitraTesting
import Foundation
import Testing

/// The highly available PostgreSQL of `ops/ha/ha` (issue 29) as the failover tests use it: Patroni
/// on hosts pg1 and pg2, etcd on those and dcs, HAProxy on db. Chitra's roles and database are made
/// on it as on any server; workers reach it through the proxy over TLS (`verify-full`); the test
/// itself reads through the primary's own socket, found by asking Patroni which host leads.
struct HACluster: Sendable {
    let folder: String
    let passwords: [LocalCluster.LoginRole: String]

    static let script = HostsTests.packageRoot.appendingPathComponent("ops/ha/ha").path

    static func ha(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await ChildProcess.run(script, arguments)
    }

    /// Starts the cluster in `folder`, makes Chitra's roles and database on it, migrated.
    static func up(in folder: String) async throws -> HACluster {
        let started = try await ha(["up", folder])
        guard started.status == 0 else { throw HAFailure(what: "ops/ha/ha up", output: started.output) }
        var passwords: [LocalCluster.LoginRole: String] = [:]
        for role in LocalCluster.LoginRole.allCases { passwords[role] = SecretText.random(length: 32) }
        let cluster = HACluster(folder: folder, passwords: passwords)
        let superuser = try await cluster.primarySocket(nil, database: "postgres")
        try await AdminStatement.ensureRoles(ownerPassword: passwords[.owner]!, apiPassword: passwords[.api]!, workerPassword: passwords[.worker]!,
                                             on: superuser, logger: TestPostgres.logger)
        try await AdminStatement.createDatabase("chitra", on: cluster.primarySocket(.owner, database: "postgres"), logger: TestPostgres.logger)
        try await Database.withRunning(cluster.primarySocket(.owner), scope: .owner, logger: TestPostgres.logger) {
            try await TestPostgres.migrate($0)
        }
        return cluster
    }

    /// The host that leads now, by Patroni's REST API (nil while none does).
    func leader() async throws -> String? {
        let answer = try await Self.ha(["leader"])
        let name = answer.output.trimmingCharacters(in: .whitespacesAndNewlines)
        return answer.status == 0 && ["pg1", "pg2"].contains(name) ? name : nil
    }

    /// The URL of the current primary's own socket as `role` (nil: the superuser), once one leads.
    func primarySocket(_ role: LocalCluster.LoginRole?, database: String = "chitra") async throws -> DatabaseURL {
        // Patroni may say a host leads a moment before its PostgreSQL has left recovery: a primary is
        // one that leads and takes writes.
        try await eventually(timeout: .seconds(90), "a primary leads and takes writes") {
            guard let host = try await leader() else { return false }
            let superuser = try socket(nil, host: host, database: "postgres")
            let writable = "SELECT count(*) FROM (SELECT 1 WHERE NOT pg_is_in_recovery()) primary_now"
            return (try? await Database.withRunning(superuser, scope: .owner, logger: TestPostgres.logger) { try await RunFixture.count(writable, $0) }) == 1
        }
        guard let host = try await leader() else { throw HAFailure(what: "finding the primary", output: await list()) }
        return try socket(role, host: host, database: database)
    }

    /// The URL of the standby's own socket (the host that does not lead) as `role` (nil: the superuser).
    func standbySocket(_ role: LocalCluster.LoginRole?, database: String = "chitra") async throws -> DatabaseURL {
        guard let primary = try await leader() else { throw HAFailure(what: "finding the primary", output: await list()) }
        return try socket(role, host: primary == "pg1" ? "pg2" : "pg1", database: database)
    }

    /// The URL of `host`'s own socket as `role` (nil: the superuser).
    func socket(_ role: LocalCluster.LoginRole?, host: String, database: String = "chitra") throws -> DatabaseURL {
        let password = try role.map { passwords[$0] ?? "" }
            ?? String(contentsOfFile: folder + "/superuser.password", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        return DatabaseURL(user: role?.rawValue ?? "chitra", password: password, port: 5432, socketDirectory: "\(folder)/\(host)", database: database)
    }

    /// `body` with a handle on the current primary that sees every unit, as the tests' own handles do.
    func withPrimary<T: Sendable>(_ body: @Sendable (Database) async throws -> T) async throws -> T {
        try await TestPostgres.withRunning(try await primarySocket(.worker), body)
    }

    /// `condition` on the current primary, false while no primary answers (a poll across a failover).
    func poll(_ condition: @escaping @Sendable (Database) async throws -> Bool) async -> Bool {
        (try? await withPrimary(condition)) ?? false
    }

    /// The URL a host reaches the primary by as `role`: through the proxy on db, by name, over TLS.
    func proxyURL(_ role: LocalCluster.LoginRole) -> String {
        let password = passwords[role]?.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return "postgres://\(role.rawValue):\(password)@db.chitra.test:5432/chitra?sslmode=verify-full&sslrootcert=\(folder)/tls/ca.crt"
    }

    /// The host dies: its link cut and every process in it killed.
    func kill(_ host: String) async throws {
        let killed = try await Self.ha(["kill", host])
        guard killed.status == 0 else { throw HAFailure(what: "ops/ha/ha kill \(host)", output: killed.output) }
    }

    /// The host back: it rejoins as the synchronous standby.
    func revive(_ host: String) async throws {
        let revived = try await Self.ha(["revive", folder, host])
        guard revived.status == 0 else { throw HAFailure(what: "ops/ha/ha revive \(host)", output: revived.output) }
    }

    /// Patroni's maintenance mode on or off: meanwhile it neither fails over nor resumes a
    /// standby's paused replay (which it otherwise does at its next loop, within 2 s).
    func maintenance(_ on: Bool) async throws {
        let answer = try await Self.ha(["maintenance", folder, on ? "on" : "off"])
        guard answer.status == 0 else { throw HAFailure(what: "ops/ha/ha maintenance \(on ? "on" : "off")", output: answer.output) }
    }

    /// Patroni's view of the cluster, for a failure's message.
    func list() async -> String { (try? await Self.ha(["list", folder]).output) ?? "" }

    /// Runs `body` with the cluster up in a new folder and hosts `others` beside it; everything
    /// stopped and removed afterwards, however it ends.
    static func with(hosts others: [String], _ body: (HACluster) async throws -> Void) async throws {
        _ = try await ha(["stop"])
        _ = try await HostsTests.hosts(["down"])
        let folder = NSTemporaryDirectory() + "chitra-ha-\(UUID().uuidString.prefix(6))"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        do {
            if !others.isEmpty { #expect(try await HostsTests.hosts(["up"] + others).status == 0) }
            try await body(try await up(in: folder))
        } catch {
            _ = try await ha(["stop"])
            _ = try await HostsTests.hosts(["down"])
            throw error
        }
        _ = try await ha(["stop"])
        #expect(try await HostsTests.hosts(["down"]).status == 0)
    }
}

struct HAFailure: Error, CustomStringConvertible {
    var what: String
    var output: String
    var description: String { "\(what) failed: \(output.suffix(2000))" }
}
