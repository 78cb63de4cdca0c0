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
    /// Today's entries so far (camt.054), asked again every few minutes until the day has ended.
    public static let notificationsKind: JobKind = "statements.notifications"
    /// How often, by default, a day's notifications are asked for while it lasts.
    public static let notificationsEvery = Duration.seconds(900)

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

    public struct NotificationArgs: Codable, Sendable, Hashable {
        /// The banking day, YYYY-MM-DD.
        public var day: String
        /// Seconds between two asks while the day lasts.
        public var every: Int
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

    /// Once per unit and day, like a day's statement.
    public static func notifications(unit: String, day: Day, every: Duration) -> NewJob {
        try! NewJob(kind: notificationsKind, districtCode: unit, encoding: NotificationArgs(day: day.description, every: Int(every.components.seconds)),
                    uniqueKey: "statements.notifications:\(unit):\(day)")
    }

    static func recall(breakID: Int64, unit: String) -> NewJob {
        // No unique key: a break asked again after a refusal needs a new job; the break's state
        // (open → recalling, once) keeps one job per asking.
        try! NewJob(kind: recallKind, districtCode: unit, encoding: RecallArgs(breakID: breakID))
    }

    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        case noPayingAccount(String)
        case dayNotEnded(Day)
        /// Notifications are fetched through the day: asked for another day than today.
        case notToday(Day, today: Day)
        case badInterval(Duration)

        public var description: String {
            switch self {
            case .noPayingAccount(let unit):
                "\(PayoutUnitCode.named(unit)) has no paying account: its statements cannot be fetched (set it with `chitra districts account`)."
            case .dayNotEnded(let day): "\(day) has not ended in Vietnam: a day's statement is fetched once it has."
            case .notToday(let day, let today):
                "A day's notifications are fetched while it lasts, and \(day) is not today (\(today) in Vietnam): ask for its statement instead."
            case .badInterval(let every):
                "Notifications are asked for every 1 to 240 minutes, not every \(every.components.seconds / 60)."
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

    /// `chitra statements fetch --intraday`: the unit's notifications of `today` fetched by a worker
    /// every `every` until the day has ended; the job's id. Audited with the request, in one
    /// transaction.
    public static func requestNotifications(unit: String, day: Day, every: Duration, today: Day, by identity: Identity,
                                            database: Database) async throws -> EnqueueResult {
        guard day == today else { throw Failure.notToday(day, today: today) }
        guard every >= .seconds(60), every <= .seconds(240 * 60) else { throw Failure.badInterval(every) }
        return try await database.transaction("ask for the notifications of \(unit) of \(day)") { connection in
            _ = try await payingAccount(of: unit, on: connection)
            let result = try await JobQueue.enqueue(notifications(unit: unit, day: day, every: every), on: connection)
            try await AuditLog.append(AuditEntry(by: identity, .importStatements, district: unit, subject: "notifications of \(day)",
                                                 after: ["job": .number(result.id), "every_seconds": .number(Int64(every.components.seconds))]),
                                      on: connection)
            return result
        }
    }

    /// Whether the notification `id` of `account` was taken in already (asked again while nothing
    /// is new, the bank sends the same one).
    public static func notificationTaken(account: String, id: String, database: Database) async throws -> Bool {
        for try await taken in try await database.query(StatementSQL.notificationTaken(account: account, id: id), "is notification \(id) in")
            .decode(Bool.self) { return taken }
        return false
    }

    /// Whether `day` has ended in Vietnam, by the database's clock (the queue's).
    public static func hasEnded(_ day: Day, database: Database) async throws -> Bool {
        for try await ended in try await database.query(StatementSQL.hasEnded(day), "has \(day) ended").decode(Bool.self) { return ended }
        return false
    }
}
