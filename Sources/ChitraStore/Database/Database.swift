import Logging
import PostgresNIO
import NIOPosix

/// The one handle every process holds on PostgreSQL: a pooled `PostgresClient` plus the URL it
/// came from (for clear error messages) and the scope its statements run in. `run()` must be
/// running, e.g. in a `ServiceGroup` or through `withRunning`, for queries to be served.
///
/// The pool's connections start with the scope the pool was made with (a process of one identity,
/// e.g. a CLI command or a worker's queue); `scoped(_:)` gives a handle on the same pool whose
/// transactions set another scope first (`SET LOCAL`), e.g. a job's district or an API request's
/// token, and whose single queries run in a transaction of their own to do so.
public final class Database: Sendable {
    public let url: DatabaseURL
    public let client: PostgresClient
    public let logger: Logger
    /// What this handle's statements may see.
    public let scope: Scope
    /// What the pool's connections see without being told.
    public let connectionScope: Scope

    /// Connections per process. Twenty covers a worker's claim, completion, heartbeat,
    /// listener and maintenance connections plus handlers that open transactions.
    public static let defaultMaximumConnections = 20

    /// `statementTimeout`: a statement running longer is stopped (its transaction rolls back), e.g.
    /// the API's, so that no request holds a connection for long.
    public init(url: DatabaseURL, maximumConnections: Int = defaultMaximumConnections, scope: Scope = .nothing,
                statementTimeout: Duration? = nil, logger: Logger) {
        var configuration = url.clientConfiguration
        configuration.options.maximumConnections = maximumConnections
        let timeout = statementTimeout.map { " -c statement_timeout=\($0.components.seconds * 1000 + $0.components.attoseconds / 1_000_000_000_000_000)" } ?? ""
        configuration.options.additionalStartupParameters = [("options", Self.startupOptions(scope) + timeout)]
        self.url = url
        self.logger = logger
        self.scope = scope
        self.connectionScope = scope
        // The pool's own chatter (e.g. "run() not called yet" while it starts) stays below error.
        var background = logger
        background.logLevel = max(logger.logLevel, .error)
        self.client = PostgresClient(configuration: configuration, backgroundLogger: background)
    }

    private init(sharing database: Database, scope: Scope) {
        self.url = database.url
        self.client = database.client
        self.logger = database.logger
        self.connectionScope = database.connectionScope
        self.scope = scope
    }

    /// The handle for the queue's own statements: this one when the pool was made for the queue
    /// (chitra-worker's), else this pool with the queue's role set in every transaction.
    public var queueHandle: Database {
        connectionScope.queue ? self : scoped(.queue)
    }

    /// This pool, with `scope` set in every transaction; a scope without a credential presents
    /// this handle's (a worker's pool carries the worker's, a request's handle its caller's token).
    public func scoped(_ scope: Scope) -> Database {
        Database(sharing: self, scope: scope.credential == nil ? scope.with(credential: self.scope.credential) : scope)
    }

    static func startupOptions(_ scope: Scope) -> String {
        if scope.queue {
            return "-c role=\(Scope.queueRole)" + (scope.credential.map { " -c chitra.credential=\($0.secret)" } ?? "")
        }
        return scope.settings.filter { !$0.value.isEmpty }.map { "-c \($0.name)=\($0.value)" }.joined(separator: " ")
    }

    /// Sets this handle's scope for the rest of the transaction open on `connection`: the queue's
    /// role or the application's (only when it differs from the pool's: an owner's pool keeps its
    /// role), and the row-level security settings. The application's scope is set by the database's
    /// `chitra_set_scope`, which verifies the credential once for the whole transaction (migration
    /// 48); the queue's role, which row-level security does not bind, has nothing to verify.
    public func setScope(on connection: PostgresConnection) async throws {
        let role = scope.queue != connectionScope.queue ? (scope.queue ? Scope.queueRole : Scope.applicationRole) : ""
        let settings = scope.settings
        if scope.queue {
            try await connection.execute("""
                SELECT CASE WHEN \(role) = '' THEN '' ELSE set_config('role', \(role), true) END,
                       set_config(\(settings[0].name), \(settings[0].value), true), set_config(\(settings[1].name), \(settings[1].value), true),
                       set_config(\(settings[2].name), \(settings[2].value), true), set_config(\(settings[3].name), \(settings[3].value), true)
                """, logger: Self.quiet)
        } else {
            try await connection.execute("""
                SELECT CASE WHEN \(role) = '' THEN '' ELSE set_config('role', \(role), true) END,
                       chitra_set_scope(\(settings[0].value), \(settings[1].value), \(settings[2].value), \(settings[3].value))
                """, logger: Self.quiet)
        }
    }

    /// Connects once, outside the pool, so that a wrong URL, an unreachable server or a wrong
    /// password fails at once with one sentence instead of the pool waiting forever.
    public static func probe(_ url: DatabaseURL, logger: Logger) async throws(StoreError) {
        let configuration = try url.connectionConfiguration()
        do {
            let connection = try await PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.next(),
                configuration: configuration, id: 0, logger: logger)
            try? await connection.close()
        } catch {
            throw StoreError.from(error, context: "connect", url: url)
        }
    }

    /// Probes the server, then runs `body` with the pool running beside it, and stops the pool.
    @discardableResult
    public static func withRunning<T: Sendable>(
        _ url: DatabaseURL, maximumConnections: Int = defaultMaximumConnections, scope: Scope = .nothing,
        statementTimeout: Duration? = nil, logger: Logger,
        _ body: @Sendable (Database) async throws -> T
    ) async throws -> T {
        try await probe(url, logger: logger)
        let database = Database(url: url, maximumConnections: maximumConnections, scope: scope, statementTimeout: statementTimeout, logger: logger)
        return try await database.withRunning(body)
    }

    /// Runs `body` with this pool running beside it.
    @discardableResult
    public func withRunning<T: Sendable>(_ body: @Sendable (Database) async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                await self.client.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await body(self)
        }
    }

    /// Runs a query in this handle's scope, mapping driver errors into `StoreError` with `context`
    /// ("claim jobs", "apply migration 3") for the message.
    @discardableResult
    public func query(_ query: PostgresQuery, _ context: String) async throws(StoreError) -> QueryRows {
        do {
            if scope == connectionScope {
                // Through `send`, not the pool's own `query`: a connection the server closed (a
                // restart) is refused at once instead of holding its lease for ever.
                return try await client.withConnection { connection in
                    QueryRows(source: .read(try await connection.send(query, logger: logger).collect()))
                }
            }
            return try await client.withConnection { connection in
                try await connection.guardedTransaction(logger: logger) { connection in
                    try await setScope(on: connection)
                    return QueryRows(source: .read(try await connection.send(query, logger: logger).collect()))
                }
            }
        } catch let error as TransactionFailure {
            throw StoreError.from(error.cause ?? error, context: context, url: url)
        } catch {
            throw StoreError.from(error, context: context, url: url)
        }
    }

    /// Runs `body` in a transaction, mapping driver errors into `StoreError`.
    @discardableResult
    public func transaction<T: Sendable>(
        _ context: String, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        do {
            // A credential is verified once a transaction by setting the scope (migration 48), even
            // the pool's own: without it every policy of every statement verifies it in full.
            let scoped = scope != connectionScope || (!scope.queue && scope.credential != nil)
            return try await client.withConnection { connection in
                try await connection.guardedTransaction(logger: logger) { connection in
                    if scoped { try await setScope(on: connection) }
                    return try await body(connection)
                }
            }
        } catch let error as TransactionFailure {
            // Errors of the body pass through untouched (a handler's snooze or cancel must keep its
            // type); errors of BEGIN, COMMIT or the driver become a `StoreError`.
            guard let cause = error.cause else { throw StoreError.query(sqlState: nil, message: "transaction failed", context: context) }
            if cause is PSQLError { throw StoreError.from(cause, context: context, url: url) }
            throw cause
        } catch let error as PSQLError {
            throw StoreError.from(error, context: context, url: url)
        }
    }
}
