import ChitraAPI
import ChitraStore
import Foundation
import Hummingbird
import Logging

/// `chitra serve` inside the test process: the API on a free port of 127.0.0.1, over its own pool of
/// the API's role (`chitra_api`: no queue, no owner), for as long as `body` runs. The command line's tests reach the database
/// only through it, as people do.
public enum TestAPIServer {
    public static func withServer<T: Sendable>(_ url: DatabaseURL, _ body: @Sendable (_ base: String) async throws -> T) async throws -> T {
        try await Database.withRunning(try await TestPostgres.apiURL(of: url), maximumConnections: 4, logger: TestPostgres.logger) { pool in
            try await serving(APIServer(database: pool, requestsPerSecond: 10_000, burst: 10_000, logger: TestPostgres.logger), body)
        }
    }

    /// The API over the pools of `primary` and `standby` (the API's role on each), as `chitra serve
    /// --standby-url` runs it.
    public static func withServer<T: Sendable>(primary: DatabaseURL, standby: DatabaseURL,
                                               _ body: @Sendable (_ base: String) async throws -> T) async throws -> T {
        try await Database.withRunning(primary, maximumConnections: 4, logger: TestPostgres.logger) { pool in
            try await Database.withRunning(standby, maximumConnections: 4, logger: TestPostgres.logger) { reads in
                try await serving(APIServer(database: pool, standby: reads, requestsPerSecond: 10_000, burst: 10_000, logger: TestPostgres.logger), body)
            }
        }
    }

    private static func serving<T: Sendable>(_ server: APIServer, _ body: @Sendable (_ base: String) async throws -> T) async throws -> T {
        let (ports, port) = AsyncStream<Int>.makeStream()
        let application = server.application(host: "127.0.0.1", port: 0) { bound in port.yield(bound) }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await application.runService(gracefulShutdownSignals: [])
                return nil
            }
            defer { group.cancelAll() }
            var bound = ports.makeAsyncIterator()
            guard let listening = await bound.next() else { throw CancellationError() }
            return try await body("http://127.0.0.1:\(listening)")
        }
    }
}
