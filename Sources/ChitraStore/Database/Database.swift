import Logging
import PostgresNIO
import NIOPosix

/// The one handle every process holds on PostgreSQL: a pooled `PostgresClient` plus the URL it
/// came from (for clear error messages). `run()` must be running, e.g. in a `ServiceGroup` or
/// through `withRunning`, for queries to be served.
public final class Database: Sendable {
    public let url: DatabaseURL
    public let client: PostgresClient
    public let logger: Logger

    /// Connections per process. Twenty covers a worker's claim, completion, heartbeat,
    /// listener and maintenance connections plus handlers that open transactions.
    public static let defaultMaximumConnections = 20

    public init(url: DatabaseURL, maximumConnections: Int = defaultMaximumConnections, logger: Logger) {
        var configuration = url.clientConfiguration
        configuration.options.maximumConnections = maximumConnections
        self.url = url
        self.logger = logger
        // The pool's own chatter (e.g. "run() not called yet" while it starts) stays below error.
        var background = logger
        background.logLevel = max(logger.logLevel, .error)
        self.client = PostgresClient(configuration: configuration, backgroundLogger: background)
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
        _ url: DatabaseURL, maximumConnections: Int = defaultMaximumConnections, logger: Logger,
        _ body: @Sendable (Database) async throws -> T
    ) async throws -> T {
        try await probe(url, logger: logger)
        let database = Database(url: url, maximumConnections: maximumConnections, logger: logger)
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

    /// Runs a query, mapping driver errors into `StoreError` with `context`
    /// ("claim jobs", "apply migration 3") for the message.
    @discardableResult
    public func query(_ query: PostgresQuery, _ context: String) async throws(StoreError) -> PostgresRowSequence {
        do {
            return try await client.query(query, logger: logger)
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
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch let error as PostgresTransactionError {
            // Errors of the body pass through untouched (a handler's snooze or cancel must keep its
            // type); errors of BEGIN, COMMIT or the driver become a `StoreError`.
            let cause = error.closureError ?? error.beginError ?? error.commitError ?? error.rollbackError
            guard let cause else { throw StoreError.query(sqlState: nil, message: "transaction failed", context: context) }
            if cause is PSQLError { throw StoreError.from(cause, context: context, url: url) }
            throw cause
        } catch let error as PSQLError {
            throw StoreError.from(error, context: context, url: url)
        }
    }
}
