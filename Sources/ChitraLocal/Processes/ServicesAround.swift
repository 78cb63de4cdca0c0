import Logging
import ServiceLifecycle

/// Services (a worker, an API) run beside `body` in this process, as the tests and the benchmarks
/// run them: when `body` ends they stop gracefully, as a SIGTERM would stop them (a group cancelled
/// instead logs its open connections' cancellation as errors); when it throws, they stop and are
/// cancelled.
public enum ServicesAround {
    public static func run<T: Sendable>(_ services: [any Service], logger: Logger, _ body: () async throws -> T) async throws -> T {
        let group = ServiceGroup(services: services, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                let result = try await body()
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return result
            } catch {
                await group.triggerGracefulShutdown()
                tasks.cancelAll()
                throw error
            }
        }
    }
}
