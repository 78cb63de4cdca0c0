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
                try await queue.finish(batch, owner: configuration.workerID)
                ledger.reported(batch)
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

    /// Renews the lease of every job held, in one statement per beat.
    func heartbeat() async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: configuration.heartbeatInterval) } catch { return }
            let ids = ledger.heldIDs
            do {
                try await queue.heartbeat(ids: ids, owner: configuration.workerID, lease: configuration.lease)
            } catch {
                logger.warning("cannot renew job leases", metadata: ["error": "\(error)"])
            }
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
