import ChitraCore
import Foundation
import PostgresNIO

/// The districts (the tenants) and their settings: whether finance must approve a computed run.
public enum DistrictSettings {
    public struct District: Sendable, Hashable, Codable {
        public var code: String
        public var name: String
        /// district (months before the 2025 reform) or commune (from it).
        public var level: String
        /// Its province's code (of its own time: Bạc Liêu's districts are 95's).
        public var province: String
        /// The first month the unit pays (nil: since before the catalogue) and the last (nil: still).
        public var firstMonth: String?
        public var lastMonth: String?
        public var approvalRequired: Bool
        /// The last month a run computed (an import's change without change_from applies after it).
        public var computedThrough: String?
        /// The account the district pays from (the debtor of its payment files), once set.
        public var payingAccount: PayingAccount?
        /// The day of the month from which failed transfers fall back to cash by themselves.
        public var cashFallbackDay: Int?

        /// Whether the unit pays in `period`.
        public func pays(in period: Period) -> Bool {
            PayoutMonths(first: firstMonth.flatMap { Period($0) }, last: lastMonth.flatMap { Period($0) }).contains(period)
        }
    }

    /// A district's paying account: name, account number (6 to 19 digits: Vietnamese account
    /// numbers have no national format) and bank by its Napas BIN.
    public struct PayingAccount: Sendable, Hashable, Codable {
        public var name: String
        public var account: String
        public var bank: String

        public init(name: String, account: String, bank: String) {
            self.name = name
            self.account = account
            self.bank = bank
        }

        /// As lists show it: the bank, the number's last four digits, the holder (`970405 ****0123 UBND …`).
        public var masked: String { "\(bank) ****\(account.suffix(4)) \(name)" }

        /// Why the account cannot be used, or nil.
        public var problem: String? {
            if name.trimmingCharacters(in: .whitespaces).isEmpty || name.count > 140 { return "the account name must be 1 to 140 characters" }
            if !(6...19).contains(account.count) || !account.utf8.allSatisfy({ (48...57).contains($0) }) { return "the account number must be 6 to 19 digits" }
            if bank.count != 6 || !bank.utf8.allSatisfy({ (48...57).contains($0) }) {
                return "the bank must be given by its Napas code, six digits (Agribank 970405, Vietcombank 970436, …)"
            }
            return nil
        }
    }

    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// A code no payout unit has.
        case unknownDistrict(String)
        /// A paying account that cannot be used.
        case badPayingAccount(district: String, problem: String)
        case badFallbackDay(district: String, day: Int)
        case badDebitGraceDays(district: String, days: Int)

        public var description: String {
            switch self {
            case .unknownDistrict(let code):
                "There is no payout unit \(code) (a district of 3 digits or a commune of 5): `chitra units list` lists them."
            case .badPayingAccount(let district, let problem):
                "\(PayoutUnitCode.named(district))'s paying account was not changed: \(problem)."
            case .badDebitGraceDays(let district, let days):
                "\(PayoutUnitCode.named(district))'s banking days before an undebited transfer is a break were not changed: \(days) is not from 1 to 30."
            case .badFallbackDay(let district, let day):
                "\(PayoutUnitCode.named(district))'s fallback day was not changed: \(day) is not a day from 1 to 28 (every month has it)."
            }
        }
    }

    /// Throws `unknownDistrict` for the first of `codes` that is not a district.
    public static func requireKnown(_ codes: [String], database: Database) async throws {
        guard !codes.isEmpty else { return }
        try check(codes, known: try await knownCodes(database.query(DistrictSQL.known(codes), "find units \(codes.joined(separator: ", "))")))
    }

    /// The same, inside a transaction.
    public static func requireKnown(_ codes: [String], on connection: PostgresConnection) async throws {
        guard !codes.isEmpty else { return }
        try check(codes, known: try await knownCodes(connection.send(DistrictSQL.known(codes), logger: Database.quiet)))
    }

    private static func knownCodes(_ rows: PostgresRowSequence) async throws -> [String] { try await knownCodes(QueryRows(rows)) }

    private static func knownCodes(_ rows: QueryRows) async throws -> [String] {
        var known: [String] = []
        for try await code in rows.decode(String.self) { known.append(code) }
        return known
    }

    private static func check(_ codes: [String], known: [String]) throws {
        let known = Set(known)
        if let unknown = codes.first(where: { !known.contains($0) }) { throw Failure.unknownDistrict(unknown) }
    }

    public static func list(database: Database) async throws -> [District] {
        var districts: [District] = []
        let rows = try await database.query(DistrictSQL.list, "list districts")
        for try await (code, name, approval, computed, accountName, account, bank, fallbackDay, level, first, last, province) in rows.decode(
            (String, String, Bool, String?, String?, String?, String?, Int32?, String, String?, String?, String).self) {
            var paying: PayingAccount?
            if let accountName, let account, let bank { paying = PayingAccount(name: accountName, account: account, bank: bank) }
            districts.append(District(code: code, name: name, level: level, province: province, firstMonth: first, lastMonth: last, approvalRequired: approval, computedThrough: computed, payingAccount: paying,
                                      cashFallbackDay: fallbackDay.map(Int.init)))
        }
        return districts
    }

    /// Sets the account the district pays from.
    public static func setPayingAccount(_ account: PayingAccount, district: String, by identity: Identity, database: Database) async throws {
        try await requireKnown([district], database: database)
        if let problem = account.problem { throw Failure.badPayingAccount(district: district, problem: problem) }
        try await change(district: district, by: identity, setting: "paying_account",
                         to: .text(account.name + " · " + CitizenID.masked(account.account) + " · " + account.bank),
                         DistrictSQL.setPayingAccount(district: district, name: account.name, account: account.account, bank: account.bank),
                         database: database)
    }

    /// Turns approval on or off for runs that finish computing from now on.
    public static func setApprovalRequired(_ required: Bool, district: String, by identity: Identity, database: Database) async throws {
        try await requireKnown([district], database: database)
        try await change(district: district, by: identity, setting: "approval_required", to: .flag(required),
                         DistrictSQL.setApprovalRequired(required, district: district), database: database)
    }

    /// The day (1 to 28) from which a district's still-failed transfers fall back to cash by
    /// themselves, so that people are paid before the month ends; nil: only finance does it.
    public static func setCashFallbackDay(_ day: Int?, district: String, by identity: Identity, database: Database) async throws {
        try await requireKnown([district], database: database)
        if let day, !(1...28).contains(day) { throw Failure.badFallbackDay(district: district, day: day) }
        try await change(district: district, by: identity, setting: "cash_fallback_day", to: day.map { AuditValue.number(Int64($0)) } ?? .text("off"),
                         DistrictSQL.setCashFallbackDay(day, district: district), database: database)
    }

    /// The banking days after its bank's acceptance (ACSC) within which a transfer must be debited on
    /// a statement; after them it is a break (`not_debited`).
    public static func setDebitGraceDays(_ days: Int, district: String, by identity: Identity, database: Database) async throws {
        try await requireKnown([district], database: database)
        guard (1...30).contains(days) else { throw Failure.badDebitGraceDays(district: district, days: days) }
        try await change(district: district, by: identity, setting: "debit_grace_days", to: .number(Int64(days)),
                         DistrictSQL.setDebitGraceDays(days, district: district), database: database)
    }

    /// One setting changed and audited in one transaction.
    private static func change(district: String, by identity: Identity, setting: String, to value: AuditValue,
                               _ statement: PostgresQuery, database: Database) async throws {
        try await database.transaction("change district \(district)") { connection in
            try await connection.execute(statement, logger: Database.quiet)
            try await AuditLog.append(AuditEntry(by: identity, .changeSettings, district: district, subject: "district \(district)",
                                                 after: [setting: value]), on: connection)
        }
    }
}
