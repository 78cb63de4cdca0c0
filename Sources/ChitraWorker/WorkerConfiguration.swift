import ChitraStore
import ChitraCore

/// The tunables of a worker process. Only the executables read flags and environment; they build
/// one of these and call `validate()`.
public struct WorkerConfiguration: Sendable {
    /// Jobs run at once. Ten suits handlers that do database work; no-op benchmarks use more.
    public var concurrency: Int = 10
    /// Most jobs taken in one claim statement. 1,000: larger batches measured no faster, and a
    /// claim holds its row locks only for its own short transaction.
    public var claimBatchSize: Int = 1_000
    /// How long a claimed job is this worker's without a heartbeat. Thirty seconds: a dead
    /// worker's jobs come back within half a minute, while a slow database never takes them early.
    public var lease: Duration = .seconds(30)
    /// How often leases are renewed: a third of the lease, so two heartbeats can fail in a row.
    public var heartbeatInterval: Duration = .seconds(10)
    /// The longest a job waits when a NOTIFY is lost. One second.
    public var pollInterval: Duration = .seconds(1)
    /// How long outcomes gather before one statement records them all. Ten milliseconds adds
    /// little latency and turns thousands of completions a second into a hundred statements.
    public var completionFlushInterval: Duration = .milliseconds(10)
    /// Outcomes that trigger a flush before the interval is up.
    public var completionBatchSize: Int = 2_000
    /// At shutdown, how long running jobs may take to finish before they are cancelled and released.
    public var shutdownGrace: Duration = .seconds(20)
    /// The longest a job's handler may run. Past it the worker stops renewing the job's lease, so
    /// that the rescuer gives it to another worker (a late outcome of this attempt is fenced off).
    /// Two minutes: a shard or a batch takes seconds (a gateway answers within its 30 s timeout); a handler that long is stuck (seen: a
    /// PostgresNIO await that never resumed after the database restarted mid-statement).
    public var jobTimeout: Duration = .seconds(120)
    /// Whether this process exits (status 70, for its supervisor to restart it) when half its slots
    /// hold stuck handlers, or when cancelled jobs do not end after the shutdown grace: a stuck
    /// await cannot be cancelled, and a process of stuck slots does no work. The executable sets
    /// it; in-process workers (tests) do not.
    public var exitWhenStuck = false
    /// Backoff for failed attempts.
    public var retryPolicy: RetryPolicy = RetryPolicy()
    /// This worker's name in leases and logs; unique per process.
    public var workerID: String

    public init(workerID: String) {
        self.workerID = workerID
    }

    public func validate() throws(WorkerError) {
        guard concurrency >= 1 else { throw .badConfiguration("concurrency must be at least 1") }
        guard claimBatchSize >= 1 else { throw .badConfiguration("the claim batch size must be at least 1") }
        guard lease >= .milliseconds(200) else { throw .badConfiguration("the lease must be at least 200 ms") }
        guard heartbeatInterval < lease else {
            throw .badConfiguration("the heartbeat interval must be shorter than the lease")
        }
        guard jobTimeout > lease else { throw .badConfiguration("the job timeout must be longer than the lease") }
        guard pollInterval > .zero, completionFlushInterval > .zero else {
            throw .badConfiguration("intervals must be positive")
        }
    }
}

/// The maintenance tunables: rescuer and pruner.
public struct MaintenanceConfiguration: Sendable {
    /// How often the rescuer and pruner look. Five seconds: rescue latency is lease + this.
    public var interval: Duration = .seconds(5)
    /// How often the pruner looks. Ten minutes: it scans finished jobs (no index is kept for it,
    /// so that completions stay cheap), and retention is counted in hours.
    public var pruneInterval: Duration = .seconds(600)
    /// Completed jobs are kept a day for operators, then pruned.
    public var completedRetention: Duration = .seconds(24 * 3600)
    /// Discarded and cancelled jobs are kept a week: someone should look at them.
    public var failedRetention: Duration = .seconds(7 * 24 * 3600)

    public init() {}
}

public enum WorkerError: Error, Sendable, Equatable, CustomStringConvertible {
    case badConfiguration(String)
    case duplicateHandler(kind: JobKind)

    public var description: String {
        switch self {
        case .badConfiguration(let why): "The worker configuration is invalid: \(why)."
        case .duplicateHandler(let kind): "Two handlers are registered for job kind \(kind)."
        }
    }
}
