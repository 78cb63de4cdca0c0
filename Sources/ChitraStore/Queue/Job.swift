import ChitraCore
import Foundation

/// The states of a job, as River has them.
public enum JobState: String, Sendable, CaseIterable, Codable {
    case available, running, retryable, completed, discarded, cancelled
}

/// A job to enqueue.
public struct NewJob: Sendable, Hashable {
    public var kind: JobKind
    public var districtCode: String
    /// The arguments, as JSON text.
    public var args: String
    /// When set, a second job with the same key (while the first is not cancelled or discarded)
    /// is not inserted.
    public var uniqueKey: String?
    /// Lower runs first within a district.
    public var priority: Int16
    /// Attempts before the job is discarded. Twenty, as River: with exponential backoff capped at
    /// an hour that is about a day of retrying.
    public var maxAttempts: Int32
    /// Not before this time; `nil` means now (the database's clock).
    public var runAt: Date?

    public static let defaultMaxAttempts: Int32 = 20

    public init(kind: JobKind, districtCode: String, args: String = "{}", uniqueKey: String? = nil,
                priority: Int16 = 0, maxAttempts: Int32 = defaultMaxAttempts, runAt: Date? = nil) {
        self.kind = kind
        self.districtCode = districtCode
        self.args = args
        self.uniqueKey = uniqueKey
        self.priority = priority
        self.maxAttempts = maxAttempts
        self.runAt = runAt
    }

    /// A job whose arguments are `args` encoded as JSON.
    public init(kind: JobKind, districtCode: String, encoding args: some Encodable, uniqueKey: String? = nil,
                priority: Int16 = 0, maxAttempts: Int32 = defaultMaxAttempts, runAt: Date? = nil) throws {
        let data = try JSONEncoder().encode(args)
        self.init(kind: kind, districtCode: districtCode, args: String(decoding: data, as: UTF8.self),
                  uniqueKey: uniqueKey, priority: priority, maxAttempts: maxAttempts, runAt: runAt)
    }

    func validate() throws(StoreError) {
        guard !kind.rawValue.isEmpty else { throw .invalidJob("its kind is empty") }
        guard [3, 5].contains(districtCode.utf8.count), districtCode.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            throw .invalidJob("unit code '\(districtCode)' is neither a district's 3 digits nor a commune's 5")
        }
        guard maxAttempts > 0 else { throw .invalidJob("max attempts must be at least 1") }
    }
}

/// What an enqueue did.
public struct EnqueueResult: Sendable, Hashable {
    /// The id of the inserted job, or of the existing job holding the unique key.
    public var id: Int64
    /// False when a job with the same unique key already existed and nothing was inserted.
    public var inserted: Bool
}

/// A job as a worker holds it after claiming it.
public struct ClaimedJob: Sendable, Hashable {
    public var id: Int64
    public var kind: JobKind
    public var districtCode: String
    public var args: String
    /// This attempt's number, 1 for the first.
    public var attempt: Int32
    public var maxAttempts: Int32
    /// What the job's handler presents to the database: the claim's secret and the credential that
    /// claimed; it reaches the job's unit only, while this claim holds the job (migration 28).
    public var lease: Credential

    /// Decodes the arguments.
    public func decodeArgs<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(type, from: Data(args.utf8))
    }
}

/// A job as operators see it.
public struct JobRecord: Sendable, Hashable, Codable {
    public var id: Int64
    public var kind: JobKind
    public var districtCode: String
    public var state: JobState
    public var args: String
    public var uniqueKey: String?
    public var priority: Int16
    public var attempt: Int32
    public var maxAttempts: Int32
    public var runAt: Date
    public var createdAt: Date
    public var attemptedAt: Date?
    public var finalizedAt: Date?
    public var leaseOwner: String?
    public var leaseExpiresAt: Date?
    public var lastError: String?
    /// Every failed attempt, as JSON: `[{"attempt": 1, "at": "…", "error": "…"}]`.
    public var errors: String
}

/// How a run of a job ended, as the worker reports it back in a batch.
public struct JobOutcome: Sendable, Hashable {
    public enum Result: Sendable, Hashable {
        case completed
        /// Try again after `delay`; discarded instead when the attempts are used up.
        case failed(error: String, delay: Duration)
        /// Discarded now, whatever attempts remain.
        case discarded(error: String)
        case cancelled(reason: String)
        /// Try again after `delay` without counting this attempt; with `priority`, the job's priority
        /// becomes that (lower first: work already begun ahead of the unit's work not yet begun).
        case snoozed(delay: Duration, priority: Int16? = nil)
    }

    public var jobID: Int64
    public var attempt: Int32
    public var result: Result

    public init(jobID: Int64, attempt: Int32, result: Result) {
        self.jobID = jobID
        self.attempt = attempt
        self.result = result
    }
}
