import ChitraCore
import Foundation
import PostgresNIO

/// The statements' jobs: fetching a paying account's statement of a day from the bank's gateway
/// (and, when asked daily, the next day's once that day has ended), and recalling a second debit.
public enum StatementJobs {
    public static let fetchKind: JobKind = "statements.fetch"

    /// A fetch job's error while the bank has no statement of its day (asked again with the
    /// queue's backoff), and whether a job's last error says so: those who wait on fetch jobs tell
    /// a day without a statement from a failure by it.
    public static func noStatementYet(account: String, day: Day) -> String {
        "the bank has no statement of account ****\(account.suffix(4)) for \(day) yet"
    }

    public static func saysNoStatementYet(_ error: String?) -> Bool { error?.contains("the bank has no statement of account ") == true }
    public static let recallKind: JobKind = "statements.recall"

    public struct FetchArgs: Codable, Sendable, Hashable {
        /// The banking day, YYYY-MM-DD.
        public var day: String
        /// Fetch the next day's too, once it has ended, and so on.
        public var daily: Bool

        public init(day: String, daily: Bool) {
            self.day = day
            self.daily = daily
        }
    }

    public struct RecallArgs: Codable, Sendable, Hashable {
        public var breakID: Int64
        enum CodingKeys: String, CodingKey { case breakID = "break" }
    }

    /// Once per unit and day: asking again while it waits (or after it ran) adds nothing.
    public static func fetch(unit: String, day: Day, daily: Bool, runAt: Date? = nil) -> NewJob {
        // Encoding two plain fields cannot fail.
        try! NewJob(kind: fetchKind, districtCode: unit, encoding: FetchArgs(day: day.description, daily: daily),
                    uniqueKey: "statements.fetch:\(unit):\(day)", runAt: runAt)
    }

    static func recall(breakID: Int64, unit: String) -> NewJob {
        // No unique key: a break asked again after a refusal needs a new job; the break's state
        // (open → recalling, once) keeps one job per asking.
        try! NewJob(kind: recallKind, districtCode: unit, encoding: RecallArgs(breakID: breakID))
    }

    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        case noPayingAccount(String)
        case dayNotEnded(Day)

        public var description: String {
            switch self {
            case .noPayingAccount(let unit):
                "\(PayoutUnitCode.named(unit)) has no paying account: its statements cannot be fetched (set it with `chitra districts account`)."
            case .dayNotEnded(let day): "\(day) has not ended in Vietnam: a day's statement is fetched once it has."
            }
        }
    }

    /// The account `unit` pays from and its bank; throws when the unit is not the caller's or has none.
    public static func payingAccount(of unit: String, on connection: PostgresConnection) async throws -> (account: String, bank: String) {
        try await DistrictSettings.requireKnown([unit], on: connection)
        for try await (account, bank) in try await connection.send(StatementSQL.payingAccount(of: unit), logger: Database.quiet)
            .decode((String?, String?).self) {
            if let account, let bank { return (account, bank) }
        }
        throw Failure.noPayingAccount(unit)
    }

    /// `chitra statements fetch`: the unit's statement of `day` fetched by a worker; the job's id.
    /// Audited with the request, in one transaction.
    public static func requestFetch(unit: String, day: Day, daily: Bool, today: Day, by identity: Identity, database: Database) async throws
        -> EnqueueResult {
        guard day < today else { throw Failure.dayNotEnded(day) }
        return try await database.transaction("ask for the statement of \(unit) of \(day)") { connection in
            _ = try await payingAccount(of: unit, on: connection)
            let result = try await JobQueue.enqueue(fetch(unit: unit, day: day, daily: daily), on: connection)
            try await AuditLog.append(AuditEntry(by: identity, .importStatements, district: unit, subject: "statement of \(day)",
                                                 after: ["job": .number(result.id), "daily": .flag(daily)]), on: connection)
            return result
        }
    }
}
