import Foundation
import ChitraStore
import Logging
import PostgresNIO

extension Worker {
    /// Writes outcomes in batches, every flush interval or sooner when many wait.
    func writeOutcomes() async {
        while !Task.isCancelled {
            await flushSignal.wait(timeout: configuration.completionFlushInterval)
            await flushOnce()
        }
    }

    /// Writes what waits; on failure keeps it for the next try. Returns whether it succeeded.
    @discardableResult
    func flushOnce() async -> Bool {
        while ledger.hasOutcomes {
            let batch = ledger.takeOutcomes(limit: configuration.completionBatchSize)
            do {
                let recorded = try await queue.finish(batch, owner: configuration.workerID)
                ledger.reported(batch)
                if recorded < batch.count {
                    logger.warning("outcomes not recorded: their jobs are no longer this worker's (their leases expired and another worker was given them)",
                                   metadata: ["refused": "\(batch.count - recorded)", "jobs": "\(batch.map(\.jobID).sorted())"])
                }
            } catch {
                ledger.putBack(batch)
                logger.warning("cannot record job outcomes; will retry", metadata: ["error": "\(error)"])
                return false
            }
        }
        return true
    }

    /// At shutdown: record every outcome, then hand back jobs that never finished.
    func flushAll() async {
        var tries = 0
        while !(await flushOnce()), tries < 10 {
            tries += 1
            try? await Task.sleep(for: .milliseconds(200))
        }
        let unfinished = ledger.unreportedIDs()
        guard !unfinished.isEmpty else { return }
        do {
            try await queue.release(ids: unfinished, owner: configuration.workerID)
            ledger.forget(unfinished)
            logger.info("released unfinished jobs", metadata: ["count": "\(unfinished.count)"])
        } catch {
            logger.warning("cannot release unfinished jobs; the rescuer will return them when their leases expire",
                           metadata: ["error": "\(error)"])
        }
    }

    /// Renews the lease of every job held, in one statement per beat; except those whose handler
    /// ran past the job timeout: their leases run out and the rescuer gives them to another worker.
    /// A job whose lease two beats in a row find gone (this worker lost the database longer than a
    /// lease, and the job was rescued) is said once and no longer renewed: what its handler still
    /// writes is refused. A beat ends within half a lease: one stuck on a connection whose server
    /// vanished closes it and lets the next beat take another.
    func heartbeat() async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: configuration.heartbeatInterval) } catch { return }
            await beat()
        }
    }

    private func beat() async {
        let (ids, beatNumber, newlyOverdue, overdue) = ledger.leases(timeout: configuration.jobTimeout)
        if !newlyOverdue.isEmpty {
            WorkerMetrics.stuck(newlyOverdue.count)
            logger.error("jobs ran past the job timeout: their leases are left to expire so that another worker does them",
                         metadata: ["jobs": "\(newlyOverdue.sorted())", "timeout": "\(configuration.jobTimeout)"])
            if configuration.exitWhenStuck, overdue * 2 >= configuration.concurrency {
                logger.critical("half of this worker's slots are stuck: exiting for the supervisor to restart it",
                                metadata: ["stuck": "\(overdue)"])
                exit(70)
            }
        }
        guard !ids.isEmpty else { return }
        do {
            let renewed = try await queue.heartbeat(ids: ids, owner: configuration.workerID, lease: configuration.lease,
                                                    within: configuration.lease / 2)
            let lost = ledger.renewals(asked: ids, renewed: renewed, beat: beatNumber)
            if !lost.isEmpty {
                logger.warning("jobs are no longer this worker's: their leases expired and another worker was given them; what their handlers still write is refused",
                               metadata: ["jobs": "\(lost.sorted())"])
            }
        } catch {
            logger.warning("cannot renew job leases", metadata: ["error": "\(error)"])
        }
    }

    /// LISTEN for enqueues on a pooled connection; after a database restart, listens again.
    /// Each (re)connection wakes the claim loop once, to catch up on what was missed.
    func listen() async {
        var failures = 0
        while !Task.isCancelled {
            do {
                try await database.client.withConnection { connection in
                    try await connection.listen(on: JobQueue.notificationChannel) { notifications in
                        failures = 0
                        self.claimSignal.notify()
                        for try await _ in notifications { self.claimSignal.notify() }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                failures += 1
                logger.debug("listener lost its connection; reconnecting", metadata: ["error": "\(error)"])
            }
            do {
                try await Task.sleep(for: configuration.retryPolicy.nominalDelay(afterAttempt: min(failures, 4)))
            } catch { return }
        }
    }
}
