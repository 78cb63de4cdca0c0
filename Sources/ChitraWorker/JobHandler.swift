import ChitraStore

/// Runs the jobs of one kind. A handler returns normally when the job is done, throws
/// `JobSnooze`, `JobCancel` or `JobDiscard` to say so, and throws anything else to have the job
/// retried with backoff. Handlers must be idempotent: a job whose worker died runs again.
public protocol JobHandler: Sendable {
    /// The job kind this handler runs, e.g. `plan` or `compute`.
    var kind: JobKind { get }
    func run(_ context: JobContext) async throws
}

/// "Try again later, and do not count this attempt."
public struct JobSnooze: Error, Sendable {
    public var delay: Duration
    public init(for delay: Duration) { self.delay = delay }
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
