import ChitraStore
import Logging
import ServiceLifecycle

/// The rescuer and the pruner. Every process may run one; an advisory lock lets only one pass
/// run at a time across all of them.
public struct MaintenanceService: Service {
    let queue: JobQueue
    let configuration: MaintenanceConfiguration
    let logger: Logger

    public init(database: Database, configuration: MaintenanceConfiguration = .init(), logger: Logger) {
        self.queue = JobQueue(database: database.queueHandle)
        self.configuration = configuration
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            let clock = ContinuousClock()
            var lastPrune: ContinuousClock.Instant?
            while !Task.isCancelled {
                let prune = lastPrune.map { clock.now - $0 >= self.configuration.pruneInterval } ?? true
                let report = await self.passOnce(prune: prune)
                if prune, report?.led == true { lastPrune = clock.now }
                try? await Task.sleep(for: self.configuration.interval)
            }
        }
    }

    /// One pass; errors are logged, never fatal.
    @discardableResult
    public func passOnce(prune: Bool = true) async -> JobQueue.MaintenanceReport? {
        do {
            let report = try await queue.maintain(completedRetention: configuration.completedRetention,
                                                  failedRetention: configuration.failedRetention, prune: prune)
            WorkerMetrics.rescued(report.rescued)
            if report.rescued > 0 {
                logger.warning("rescued jobs of dead workers", metadata: ["count": "\(report.rescued)"])
            }
            if report.pruned > 0 { logger.info("pruned finished jobs", metadata: ["count": "\(report.pruned)"]) }
            return report
        } catch {
            logger.warning("maintenance pass failed", metadata: ["error": "\(error)"])
            return nil
        }
    }
}
