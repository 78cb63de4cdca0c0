import ChitraCore
import Foundation
import ChitraStore
import Logging
import ServiceLifecycle

/// A worker: claims jobs in batches, runs them in a bounded task group, reports outcomes in
/// batches, heartbeats the leases it holds, and wakes on NOTIFY with polling as the fallback.
/// On graceful shutdown it stops claiming, lets running jobs finish within the grace period,
/// then cancels and releases the rest.
public final class Worker: Service {
    public let configuration: WorkerConfiguration
    let database: Database
    let queue: JobQueue
    let handlers: [JobKind: any JobHandler]
    let logger: Logger
    let ledger = WorkerLedger()
    /// Wakes the claim loop: a NOTIFY, freed capacity, or shutdown.
    let claimSignal = Signal()
    /// The months of the runs this worker's jobs belong to, for their log lines.
    let runPeriods = RunPeriods()
    /// Wakes the outcome writer early when many outcomes wait.
    let flushSignal = Signal()

    public init(database: Database, handlers: [any JobHandler], configuration: WorkerConfiguration,
                logger: Logger) throws(WorkerError) {
        try configuration.validate()
        var byKind: [JobKind: any JobHandler] = [:]
        for handler in handlers {
            guard byKind[handler.kind] == nil else { throw .duplicateHandler(kind: handler.kind) }
            byKind[handler.kind] = handler
        }
        self.configuration = configuration
        // The queue's own statements see every district's jobs and nothing else; each job's
        // handler sees only its district (`execute`).
        let queueDatabase = database.queueHandle
        self.database = queueDatabase
        self.queue = JobQueue(database: queueDatabase)
        self.handlers = byKind
        var logger = logger
        logger[metadataKey: LogKey.worker] = "\(configuration.workerID)"
        self.logger = logger
    }

    public func run() async throws {
        logger.info("worker started", metadata: ["concurrency": "\(configuration.concurrency)",
                                                 "kinds": "\(handlers.keys.sorted().map(\.rawValue).joined(separator: ","))"])
        await withDiscardingTaskGroup { support in
            support.addTask { await self.listen() }
            support.addTask { await self.heartbeat() }
            await withDiscardingTaskGroup { writer in
                writer.addTask { await self.writeOutcomes() }
                await withGracefulShutdownHandler {
                    await self.claimAndRun()
                } onGracefulShutdown: {
                    self.ledger.stopping = true
                    self.claimSignal.notify()
                }
                // The writer may be sending a batch: let it end first, or the final flush would
                // take that batch's jobs for unreported and release them while it completes them.
                writer.cancelAll()
            }
            await self.flushAll()
            support.cancelAll()
        }
        logger.info("worker stopped")
    }

    /// The claim loop and the jobs it starts, in one task group bounded by `concurrency`.
    private func claimAndRun() async {
        let concurrency = configuration.concurrency
        // Claim only when a useful batch fits, so that freed slots are not claimed one by one.
        let threshold = max(1, min(concurrency, configuration.claimBatchSize) / 4)
        await withDiscardingTaskGroup { jobs in
            var failures = 0
            var cursor = ClaimCursor()
            while !ledger.stopping, !Task.isCancelled {
                let free = concurrency - ledger.running
                guard free >= threshold else {
                    await claimSignal.wait(timeout: configuration.pollInterval)
                    continue
                }
                let claimed: [ClaimedJob]
                do {
                    claimed = try await queue.claim(limit: min(free, configuration.claimBatchSize),
                                                    owner: configuration.workerID, lease: configuration.lease, after: cursor.after)
                    cursor.advance(past: claimed.map(\.districtCode))
                    if failures > 0 {
                        // After a database restart or failover: say once that work goes on.
                        logger.notice("claiming jobs again", metadata: ["failed_claims": "\(failures)"])
                        failures = 0
                    }
                } catch {
                    failures += 1
                    logger.warning("cannot claim jobs", metadata: ["error": "\(error)"])
                    await claimSignal.wait(timeout: configuration.retryPolicy.nominalDelay(afterAttempt: min(failures, 5)))
                    continue
                }
                ledger.claimed(claimed)
                WorkerMetrics.claimed(claimed)
                for job in claimed {
                    jobs.addTask { await self.execute(job, threshold: threshold) }
                }
                if claimed.isEmpty { await claimSignal.wait(timeout: configuration.pollInterval) }
            }
            await drainWithinGrace(jobs: &jobs)
        }
    }

    /// Shutdown: wait for running jobs up to the grace period, then cancel them.
    private func drainWithinGrace(jobs: inout DiscardingTaskGroup) async {
        guard ledger.running > 0 else { return }
        logger.info("stopping: waiting for running jobs", metadata: ["running": "\(ledger.running)"])
        let clock = ContinuousClock()
        let deadline = clock.now + configuration.shutdownGrace
        while ledger.running > 0, clock.now < deadline {
            await claimSignal.wait(timeout: .milliseconds(50))
        }
        if ledger.running > 0 {
            logger.warning("grace period over: cancelling running jobs", metadata: ["running": "\(ledger.running)"])
            jobs.cancelAll()
            // A stuck await ignores cancellation: do not wait for it forever.
            let stuckDeadline = clock.now + .seconds(10)
            while ledger.running > 0, clock.now < stuckDeadline {
                await claimSignal.wait(timeout: .milliseconds(50))
            }
            if ledger.running > 0, configuration.exitWhenStuck {
                logger.critical("cancelled jobs did not end: exiting; their leases expire and the rescuer returns them",
                                metadata: ["running": "\(ledger.running)"])
                exit(70)
            }
        }
    }

    private func execute(_ job: ClaimedJob, threshold: Int) async {
        // The handler presents the job's lease: the database grants it the job's unit, nothing else.
        let scoped = database.scoped(Scope.district(job.districtCode).with(credential: job.lease))
        let context = JobContext(job: job, database: scoped, owner: configuration.workerID, logger: logger,
                                 period: await runPeriods.period(of: job, database: scoped))
        let clock = ContinuousClock()
        let started = clock.now
        let result: JobOutcome.Result?
        if let handler = handlers[job.kind] {
            do {
                try await handler.run(context)
                result = context.completedInTransaction ? nil : .completed
            } catch {
                if ledger.stopping, Task.isCancelled {
                    ledger.interrupted()
                    return
                }
                let failed = outcome(of: error, job: job)
                result = failed
                switch failed {
                case .snoozed: context.logger.debug("job waits", metadata: ["reason": "\(error)"])
                case .failed: context.logger.warning("job failed", metadata: ["error": "\(error)"])
                default: context.logger.notice("job ended", metadata: ["reason": "\(error)"])
                }
            }
        } else {
            result = .discarded(error: "no handler is registered for job kind '\(job.kind)' on worker \(configuration.workerID)")
            context.logger.error("job of unknown kind discarded")
        }
        WorkerMetrics.finished(job, outcome: WorkerMetrics.outcome(result), duration: clock.now - started)
        let (running, waiting) = ledger.finished(job.id, outcome: result.map {
            JobOutcome(jobID: job.id, attempt: job.attempt, result: $0)
        })
        if waiting >= configuration.completionBatchSize { flushSignal.notify() }
        if configuration.concurrency - running == threshold || ledger.stopping { claimSignal.notify() }
    }

    func outcome(of error: any Error, job: ClaimedJob) -> JobOutcome.Result {
        switch error {
        case let snooze as JobSnooze: .snoozed(delay: snooze.delay, priority: snooze.priority)
        case let cancel as JobCancel: .cancelled(reason: cancel.reason)
        case let discard as JobDiscard: .discarded(error: discard.reason)
        default: .failed(error: String(describing: error),
                         delay: configuration.retryPolicy.delay(afterAttempt: Int(job.attempt)))
        }
    }
}
