import ChitraStore
import Foundation
import Logging

/// Real PostgreSQL for tests: the server named by `CHITRA_TEST_DATABASE_URL` (never `DATABASE_URL`,
/// which may be production), or a private cluster started
/// once per test process from the installed binaries (stopped by its watchdog when the process
/// ends, however it ends). Each test gets its own database, copied from a migrated template.
public enum TestPostgres {
    /// Runs `body` with a fresh, migrated database and its pool running; drops the database after.
    @discardableResult
    public static func withDatabase<T: Sendable>(
        maximumConnections: Int = 10, logger: Logger = TestPostgres.logger,
        _ body: @Sendable (Database) async throws -> T
    ) async throws -> T {
        try await QuietMachine.shared.sharing {
            try await withDatabaseUnshared(maximumConnections: maximumConnections, logger: logger, body)
        }
    }

    /// The same, for a test that already holds the machine (`QuietMachine.alone`).
    @discardableResult
    public static func withDatabaseUnshared<T: Sendable>(
        maximumConnections: Int = 10, logger: Logger = TestPostgres.logger,
        _ body: @Sendable (Database) async throws -> T
    ) async throws -> T {
        let url = try await server.newDatabase()
        do {
            let result = try await Database.withRunning(url, maximumConnections: maximumConnections, logger: logger, body)
            try? await server.drop(url.database)
            return result
        } catch {
            try? await server.drop(url.database)
            throw error
        }
    }

    /// A fresh migrated database that the caller uses from other processes; drop it with `drop`.
    public static func newDatabaseURL() async throws -> DatabaseURL {
        try await server.newDatabase()
    }

    /// The URL of an empty, unmigrated database.
    public static func newEmptyDatabaseURL() async throws -> DatabaseURL {
        try await server.newDatabase(template: "template0")
    }

    public static func drop(_ url: DatabaseURL) async {
        try? await server.drop(url.database)
    }

    /// Quiet by default; `CHITRA_TEST_LOG=debug` shows everything.
    public static let logger: Logger = {
        var logger = Logger(label: "chitra.test")
        let level = ProcessInfo.processInfo.environment["CHITRA_TEST_LOG"].flatMap(Logger.Level.init(rawValue:))
        logger.logLevel = level ?? .critical
        return logger
    }()

    static let server = TestServer()
}

/// The one server of this test process and its migrated template.
actor TestServer {
    private var starting: Task<DatabaseURL, any Error>?
    private var local: LocalCluster?
    private let template = "chitra_template_\(getpid())"

    func newDatabase(template requested: String? = nil) async throws -> DatabaseURL {
        let admin = try await adminURL()
        let name = "t_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20))"
        try await Self.execute("CREATE DATABASE \(name) TEMPLATE \(requested ?? template)", on: admin)
        return admin.with(database: name)
    }

    func drop(_ name: String) async throws {
        try await Self.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", on: try await adminURL())
    }

    /// Starts the server once, however many tests ask at the same time.
    private func adminURL() async throws -> DatabaseURL {
        if let starting { return try await starting.value }
        let task = Task { try await self.startServer() }
        starting = task
        return try await task.value
    }

    private func startServer() async throws -> DatabaseURL {
        let url: DatabaseURL
        if let text = ProcessInfo.processInfo.environment["CHITRA_TEST_DATABASE_URL"], !text.isEmpty {
            url = try DatabaseURL(parsing: text)
        } else {
            let cluster = try await LocalCluster.start(settings: Self.throwawaySettings)
            local = cluster
            url = cluster.url()
        }
        try await Self.execute("DROP DATABASE IF EXISTS \(template)", on: url)
        try await Self.execute("CREATE DATABASE \(template)", on: url)
        // Migrate the template, then close every connection to it: CREATE DATABASE … TEMPLATE
        // refuses a template that anyone is connected to.
        try await Database.withRunning(url.with(database: template), maximumConnections: 2, logger: TestPostgres.logger) {
            try await Migrator(database: $0).migrate()
        }
        return url
    }

    /// The test cluster is thrown away with the test process, so it needs no durability. With it,
    /// every `DROP DATABASE` (one per test) forces an immediate checkpoint that fsyncs everything the
    /// other tests wrote, and the commits of every test wait behind that I/O: seen as a worker test
    /// draining 200 no-op jobs in more than 30 s while ~40 drops waited on `CheckpointDone`
    /// (pg_stat_activity, issue 12). A killed server process loses nothing without fsync either:
    /// only an operating-system crash would, and then the cluster is gone anyway. (The chaos
    /// test's own cluster, and the benchmarks', keep full durability.)
    static let throwawaySettings: [String: String] = [
        "fsync": "off",
        "synchronous_commit": "off",
        "full_page_writes": "off",
    ]

    static func execute(_ sql: String, on url: DatabaseURL) async throws {
        try await AdminStatement.execute(sql, on: url, logger: TestPostgres.logger)
    }
}
