import ChitraStore
import Logging
import PostgresNIO
import Synchronization

/// What a handler gets: the job, the database, a logger with the job's keys, and the way to
/// complete the job in the same transaction as its effects.
public final class JobContext: Sendable {
    public let job: ClaimedJob
    public let database: Database
    let owner: String
    private let baseLogger: Logger
    private let completed = Mutex(false)
    /// The month of the job's run, for its log lines (nil for a job of no run).
    let period: String?

    init(job: ClaimedJob, database: Database, owner: String, logger: Logger, period: String? = nil) {
        self.job = job
        self.period = period
        self.database = database
        self.owner = owner
        self.baseLogger = logger
    }

    /// The worker's logger with the job's keys; built when asked for, since most jobs log nothing.
    public var logger: Logger {
        var logger = baseLogger
        logger[metadataKey: LogKey.jobID] = "\(job.id)"
        logger[metadataKey: LogKey.district] = "\(job.districtCode)"
        logger[metadataKey: LogKey.kind] = "\(job.kind)"
        logger[metadataKey: LogKey.attempt] = "\(job.attempt)"
        if let period { logger[metadataKey: LogKey.period] = "\(period)" }
        return logger
    }

    /// Runs `body` in a transaction that also completes this job: the effects and the completion
    /// commit together or not at all. If the job was rescued from this worker meanwhile, the
    /// transaction rolls back with `StoreError.leaseLost`.
    @discardableResult
    public func withCompletingTransaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        let result = try await database.transaction("run job \(job.id)") { connection in
            let value = try await body(connection)
            try await JobQueue.complete(job, owner: owner, on: connection)
            return value
        }
        completed.withLock { $0 = true }
        return result
    }

    var completedInTransaction: Bool { completed.withLock { $0 } }
}

/// The fixed metadata keys of Chitra's logs.
public enum LogKey {
    public static let jobID = "chitra.job_id"
    public static let district = "chitra.district"
    public static let kind = "chitra.kind"
    public static let attempt = "chitra.attempt"
    public static let worker = "chitra.worker"
    public static let period = "chitra.period"
}
