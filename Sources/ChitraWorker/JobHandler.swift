import ChitraStore

/// Runs the jobs of one kind. A handler returns normally when the job is done, throws
/// `JobSnooze`, `JobCancel` or `JobDiscard` to say so, and throws anything else to have the job
/// retried with backoff. Handlers must be idempotent: a job whose worker died runs again.
public protocol JobHandler: Sendable {
    /// The job kind this handler runs, e.g. `plan` or `compute`.
    var kind: JobKind { get }
    func run(_ context: JobContext) async throws
}

/// "Try again later, and do not count this attempt." With `priority`, the job takes that priority
/// (lower first within its unit): a job that has begun something it must finish (a batch sent
/// whose answer is awaited) waits ahead of the unit's jobs not yet begun, not behind them.
public struct JobSnooze: Error, Sendable {
    public var delay: Duration
    public var priority: Int16?
    public init(for delay: Duration, priority: Int16? = nil) {
        self.delay = delay
        self.priority = priority
    }
}

/// "Stop: this job must not run again."
public struct JobCancel: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// "This job can never succeed": discarded at once with `reason`, whatever attempts remain.
public struct JobDiscard: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
