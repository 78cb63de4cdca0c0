import ChitraLocal
import ChitraStore
import ChitraWorker
import Foundation
import Logging
import ServiceLifecycle

/// Runs an in-process worker (and optionally the maintenance service) beside a test, and shuts it
/// down gracefully when the test body returns.
public enum WorkerHarness {
    @discardableResult
    public static func withWorker<T: Sendable>(
        database: Database, handlers: [any JobHandler],
        configure: (inout WorkerConfiguration) -> Void = { _ in },
        maintenance: MaintenanceConfiguration? = nil,
        _ body: @Sendable (Worker) async throws -> T
    ) async throws -> T {
        var configuration = WorkerConfiguration(workerID: "test-\(UUID().uuidString.prefix(8))")
        configuration.pollInterval = .milliseconds(200)
        configuration.retryPolicy.base = .milliseconds(10)
        configure(&configuration)
        let settings = configuration
        // The worker's own pool, as chitra-worker has it: queue statements as the queue's role,
        // handlers in their job's district. It runs beside the worker's service group, not in it, as
        // the test's own pool does.
        return try await Database.withRunning(database.url, maximumConnections: 10, scope: Scope.queue.with(credential: TestPostgres.workerCredential),
                                                logger: TestPostgres.logger) { queuePool in
            let worker = try Worker(database: queuePool, handlers: handlers, configuration: settings, logger: TestPostgres.logger)
            var services: [any Service] = [worker]
            if let maintenance {
                services.append(MaintenanceService(database: queuePool, configuration: maintenance, logger: TestPostgres.logger))
            }
            return try await ServicesAround.run(services, logger: TestPostgres.logger) { try await body(worker) }
        }
    }
}

/// A handler built from a closure, for tests.
public struct ClosureHandler: JobHandler {
    public let kind: JobKind
    let body: @Sendable (JobContext) async throws -> Void

    public init(kind: JobKind, _ body: @escaping @Sendable (JobContext) async throws -> Void) {
        self.kind = kind
        self.body = body
    }

    public func run(_ context: JobContext) async throws { try await body(context) }
}

/// Waits until `condition` holds, checking every 20 ms, or fails after `timeout`; the failure says
/// what `saw` reports then (the states of the jobs, say), so that a timeout shows what was waiting.
public func eventually(timeout: Duration = .seconds(120), _ what: String = "condition",
                       saw: (@Sendable () async throws -> String)? = nil,
                       _ condition: @Sendable () async throws -> Bool) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    // The longest this loop's 20 ms pause took: seconds mean the test process itself stood still
    // (its threads busy elsewhere), not the database.
    var longestPause = Duration.zero
    while clock.now < deadline {
        if try await condition() { return }
        let before = clock.now
        try await Task.sleep(for: .milliseconds(20))
        longestPause = max(longestPause, clock.now - before)
    }
    let seen = try? await saw?()
    throw TimedOut(what: what, timeout: timeout, saw: [seen, "the longest 20 ms pause of this wait took \(longestPause)"]
        .compactMap { $0 }.joined(separator: "; "))
}

public struct TimedOut: Error, CustomStringConvertible {
    public var what: String
    public var timeout: Duration
    public var saw: String?
    public var description: String { "\(what) did not happen within \(timeout)" + (saw.map { "; saw: \($0)" } ?? "") }
}
