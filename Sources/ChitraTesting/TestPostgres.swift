import ChitraCore
import ChitraLocal
import ChitraStore
import Foundation
import Logging

/// Real PostgreSQL for tests: the server named by `CHITRA_TEST_DATABASE_URL` (never `DATABASE_URL`,
/// which may be production), or a private cluster started
/// once per test process from the installed binaries (stopped by its watchdog when the process
/// ends, however it ends). Each test gets its own database, copied from a migrated template.
///
/// Tests use Chitra as production does: connected as a role of the application (the worker's,
/// `chitra_worker`, which holds the API's privileges and the queue's; bound by row-level security),
/// never as the owner, with a scope that reaches every unit (`allScope`). An API the tests start
/// connects as `chitra_api` (`apiURL(of:)`). The owner's URL (`ownerURL(of:)`) is for tests of
/// migrations and of what the owner alone may do; the owner is not a superuser.
public enum TestPostgres {
    /// Runs `body` with a fresh, migrated database and its pool running; drops the database after.
    /// It holds the machine's gate (`QuietMachine`; once only, if the test holds it already).
    @discardableResult
    public static func withDatabase<T: Sendable>(
        maximumConnections: Int = 10, logger: Logger = TestPostgres.logger,
        _ body: @Sendable (Database) async throws -> T
    ) async throws -> T {
        try await QuietMachine.shared.sharing {
            let url = try await server.newDatabase()
            do {
                let result = try await Database.withRunning(url, maximumConnections: maximumConnections, scope: allScope,
                                                            logger: logger, body)
                try? await server.drop(url.database)
                return result
            } catch {
                try? await server.drop(url.database)
                throw error
            }
        }
    }

    /// A fresh migrated database that the caller uses from other processes (as the application's
    /// role); drop it with `drop`.
    public static func newDatabaseURL() async throws -> DatabaseURL {
        try await server.newDatabase()
    }

    /// The owner's URL of an empty, unmigrated database (for `chitra migrate`).
    public static func newEmptyDatabaseURL() async throws -> DatabaseURL {
        try await server.ownerURL(of: try await server.newDatabase(template: "template0"))
    }

    /// The owner's URL of the same database: for migrations and for tests of what only the owner
    /// may do. Never hand it to a product process.
    public static func ownerURL(of url: DatabaseURL) async throws -> DatabaseURL {
        try await server.ownerURL(of: url)
    }

    /// The same database as the API's role (`chitra_api`): what `chitra serve` connects with (a URL
    /// of that role already, e.g. another cluster's, is kept as it is).
    public static func apiURL(of url: DatabaseURL) async throws -> DatabaseURL {
        guard url.user != LocalCluster.LoginRole.api.rawValue else { return url }
        return try await server.url(of: url, as: LocalCluster.LoginRole.api.rawValue)
    }

    /// Runs `body` with a pool on the same database as its owner, which sees every unit: for tests
    /// that change the schema under the product (a constraint that makes writes fail, a trigger set
    /// aside to reach a state), which the application's roles may not.
    @discardableResult
    public static func withOwner<T: Sendable>(of database: Database, _ body: @Sendable (Database) async throws -> T) async throws -> T {
        try await withOwner(of: database.url, body)
    }

    /// The same, for a database given by URL.
    @discardableResult
    public static func withOwner<T: Sendable>(of url: DatabaseURL, _ body: @Sendable (Database) async throws -> T) async throws -> T {
        try await Database.withRunning(try await ownerURL(of: url), maximumConnections: 2, scope: .everyUnit(global: true),
                                       logger: logger, body)
    }

    /// A handle on a database given by URL (one the test passes to worker processes too) that
    /// sees what `withDatabase`'s handle sees.
    @discardableResult
    public static func withRunning<T: Sendable>(_ url: DatabaseURL, _ body: @Sendable (Database) async throws -> T) async throws -> T {
        try await Database.withRunning(url, scope: allScope, logger: logger, body)
    }

    /// Every district and rows of no district: what a test's own handle sees, with the test
    /// process's service credential, which the database verifies as it verifies a worker's.
    public static let allScope = Scope.everyUnit(global: true, credential: serviceCredential)

    /// This test process's service credential, which reaches every unit: made in the migrated
    /// template, so every test database knows it.
    public static let serviceCredential = Credential(ServiceCredentials.prefix + SecretText.random(length: 40))

    /// The workers' credential (the queue, and the unit of each job they hold): what the workers the
    /// tests start present, in the test process or as processes.
    public static let workerCredential = Credential(ServiceCredentials.prefix + SecretText.random(length: 40))

    /// Migrates a database the test made itself (on a cluster of its own), as the owner, and records
    /// the tests' service credentials in it, as the template has them.
    public static func migrate(_ database: Database) async throws {
        try await Migrator(database: database).migrate()
        try await ServiceCredentials.record(serviceCredential, name: "tests", reach: .everyUnit, database: database)
        try await ServiceCredentials.record(workerCredential, name: "test workers", reach: .jobs, database: database)
    }

    /// What a `chitra-worker` process of the tests needs in its environment besides its URL.
    public static var workerEnvironment: [String: String] { [ServiceCredentials.environmentVariable: workerCredential.secret] }

    /// A new migrated database (its application URL) for `body`, dropped once `body` ends, however
    /// it ends: the drop is awaited, not left to a task nothing waits for.
    public static func withNewDatabase<T>(_ body: (DatabaseURL) async throws -> T) async throws -> T {
        try await dropping(try await newDatabaseURL(), body)
    }

    /// The owner's URL of a new empty, unmigrated database for `body` (for `chitra migrate`), dropped once it ends.
    public static func withNewEmptyDatabase<T>(_ body: (DatabaseURL) async throws -> T) async throws -> T {
        try await dropping(try await newEmptyDatabaseURL(), body)
    }

    private static func dropping<T>(_ url: DatabaseURL, _ body: (DatabaseURL) async throws -> T) async throws -> T {
        do {
            let value = try await body(url)
            await drop(url)
            return value
        } catch {
            await drop(url)
            throw error
        }
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
    /// The passwords of the application's login roles, by role name.
    private var passwords: [String: String] = [:]
    private let template = "chitra_template_\(getpid())"

    /// A new database copied from `requested` (the migrated template by default), as the
    /// worker role's URL.
    func newDatabase(template requested: String? = nil) async throws -> DatabaseURL {
        let admin = try await adminURL()
        let name = "t_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20))"
        try await AdminStatement.createDatabase(name, template: requested ?? template, on: admin, logger: TestPostgres.logger)
        return try url(of: admin.with(database: name), as: LocalCluster.LoginRole.worker.rawValue)
    }

    /// Database `url`'s as login role `role`.
    func url(of url: DatabaseURL, as role: String) throws -> DatabaseURL {
        var url = url
        url.user = role
        url.password = passwords[role]
        return url
    }

    func ownerURL(of url: DatabaseURL) async throws -> DatabaseURL {
        try await adminURL().with(database: url.database)
    }

    func drop(_ name: String) async throws {
        try await AdminStatement.dropDatabase(name, on: try await adminURL(), logger: TestPostgres.logger)
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
            url = cluster.ownerURL()
        }
        for role in [LocalCluster.LoginRole.api, .worker] {
            passwords[role.rawValue] = local?.passwords[role] ?? SecretText.random(length: 32)
        }
        try await AdminStatement.dropDatabase(template, on: url, logger: TestPostgres.logger)
        try await AdminStatement.createDatabase(template, on: url, logger: TestPostgres.logger)
        // Migrate the template, then close every connection to it: CREATE DATABASE … TEMPLATE
        // refuses a template that anyone is connected to.
        try await Database.withRunning(url.with(database: template), maximumConnections: 2, logger: TestPostgres.logger) {
            try await TestPostgres.migrate($0)
        }
        if local == nil {
            // A server given by CHITRA_TEST_DATABASE_URL: the API's and the worker's roles log in with
            // this process's passwords (the URL's user must be allowed to set them).
            for role in [LocalCluster.LoginRole.api, .worker] {
                try await AdminStatement.setPassword(passwords[role.rawValue] ?? "", of: role.rawValue, on: url, logger: TestPostgres.logger)
            }
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
}
