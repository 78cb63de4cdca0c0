import ChitraStore
import Synchronization

/// What one worker holds, behind one lock: the jobs it claimed and has not yet reported (their
/// leases need heartbeats), how many handlers run, and outcomes waiting to be written in a batch.
final class WorkerLedger: Sendable {
    private struct State {
        /// Claimed and not yet reported: job id → when it was claimed.
        var held: [Int64: ContinuousClock.Instant] = [:]
        /// Held jobs whose handler ran past the job timeout: their leases are no longer renewed.
        var overdue: Set<Int64> = []
        /// Held jobs a heartbeat did not renew, with the number of the last beat begun when it was
        /// seen (the job perhaps just completed): a beat begun after that which misses it again
        /// finds it lost (rescued, given to another worker), never renewed again.
        var missed: [Int64: Int] = [:]
        var lost: Set<Int64> = []
        /// Beats begun so far.
        var beats = 0
        var running = 0
        var outcomes: [JobOutcome] = []
        var stopping = false

        mutating func forget(_ id: Int64) {
            held[id] = nil
            missed[id] = nil
            lost.remove(id)
        }
    }

    private let state = Mutex(State())

    func claimed(_ jobs: [ClaimedJob]) {
        let now = ContinuousClock.now
        state.withLock { state in
            for job in jobs {
                state.forget(job.id)
                state.held[job.id] = now
            }
            state.running += jobs.count
        }
    }

    /// A handler finished; `outcome` is nil when the job completed inside its own transaction.
    /// Returns how many handlers still run and how many outcomes wait.
    func finished(_ jobID: Int64, outcome: JobOutcome?) -> (running: Int, waiting: Int) {
        state.withLock { state in
            state.running -= 1
            if let outcome { state.outcomes.append(outcome) } else { state.held[jobID] = nil }
            state.overdue.remove(jobID)
            state.missed[jobID] = nil
            if state.lost.remove(jobID) != nil { state.held[jobID] = nil }
            return (state.running, state.outcomes.count)
        }
    }

    /// A handler was interrupted at shutdown: its job goes back untouched.
    func interrupted() {
        state.withLock { $0.running -= 1 }
    }

    var running: Int { state.withLock { $0.running } }

    /// The leases to renew now (jobs held less than `timeout`), this beat's number, the jobs that
    /// just passed it, and how many held jobs are overdue in all.
    func leases(timeout: Duration) -> (renew: [Int64], beat: Int, newlyOverdue: [Int64], overdue: Int) {
        let now = ContinuousClock.now
        return state.withLock { state in
            state.beats += 1
            var renew: [Int64] = [], newly: [Int64] = []
            // A job whose handler ended waits only for its outcome to be written: keep its lease.
            let ended = Set(state.outcomes.map(\.jobID))
            for (id, claimedAt) in state.held where !state.lost.contains(id) {
                if now - claimedAt < timeout || ended.contains(id) {
                    renew.append(id)
                } else if state.overdue.insert(id).inserted {
                    newly.append(id)
                }
            }
            return (renew, state.beats, newly, state.overdue.count)
        }
    }

    /// Beat number `beat` asked to renew `asked` and renewed `renewed`: a job still held that it
    /// missed, and that a beat begun before this one's miss was seen had missed too, is no longer
    /// this worker's (one just completed is no longer held by then). Returns those newly found
    /// lost; they are never renewed again.
    func renewals(asked: [Int64], renewed: Set<Int64>, beat: Int) -> [Int64] {
        state.withLock { state in
            var newlyLost: [Int64] = []
            for id in asked where state.held[id] != nil && !state.lost.contains(id) {
                if renewed.contains(id) {
                    state.missed[id] = nil
                } else if let seenAt = state.missed[id], beat > seenAt {
                    state.lost.insert(id)
                    newlyLost.append(id)
                } else if state.missed[id] == nil {
                    state.missed[id] = state.beats
                }
            }
            return newlyLost
        }
    }

    /// Takes up to `limit` waiting outcomes for one flush.
    func takeOutcomes(limit: Int) -> [JobOutcome] {
        state.withLock { state in
            let count = min(limit, state.outcomes.count)
            let batch = Array(state.outcomes.prefix(count))
            state.outcomes.removeFirst(count)
            return batch
        }
    }

    /// A flush succeeded: those jobs are no longer held.
    func reported(_ outcomes: [JobOutcome]) {
        state.withLock { state in
            for outcome in outcomes { state.forget(outcome.jobID) }
        }
    }

    /// A flush failed: keep the outcomes for the next one.
    func putBack(_ outcomes: [JobOutcome]) {
        state.withLock { $0.outcomes.insert(contentsOf: outcomes, at: 0) }
    }

    /// Held jobs with no outcome waiting: those to release at shutdown.
    func unreportedIDs() -> [Int64] {
        state.withLock { state in
            let withOutcome = Set(state.outcomes.map(\.jobID))
            return state.held.keys.filter { !withOutcome.contains($0) }
        }
    }

    func forget(_ ids: [Int64]) {
        state.withLock { state in for id in ids { state.forget(id) } }
    }

    var hasOutcomes: Bool { state.withLock { !$0.outcomes.isEmpty } }

    var stopping: Bool {
        get { state.withLock { $0.stopping } }
        set { state.withLock { $0.stopping = newValue } }
    }
}
