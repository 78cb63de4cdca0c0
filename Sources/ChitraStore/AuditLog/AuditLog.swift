import ChitraCore
import Foundation
import PostgresNIO

/// The append-only record of every state-changing action. An entry is written in the transaction
/// of the change it records: both happen or neither.
public enum AuditLog {
    /// Appends `entry` in the caller's open transaction.
    public static func append(_ entry: AuditEntry, on connection: PostgresConnection) async throws {
        try await connection.execute(AuditLogSQL.append(entry), logger: Database.quiet)
    }

    /// Appends `entries` in the caller's transaction, in one statement.
    public static func append(_ entries: [AuditEntry], on connection: PostgresConnection) async throws {
        guard !entries.isEmpty else { return }
        try await connection.execute(AuditLogSQL.append(entries), logger: Database.quiet)
    }

    /// Appends `entry` alone.
    public static func append(_ entry: AuditEntry, database: Database) async throws {
        try await database.transaction("record \(entry.action.rawValue) in the audit log") { try await append(entry, on: $0) }
    }

    /// Which entries to read: all but `unit` are optional narrowings.
    public struct Filter: Sendable, Hashable {
        /// A payout unit's entries only.
        public var unit: String?
        /// One kind of action only.
        public var action: Action?
        /// Text the actor's name or the subject contains (a person, a run, a file), in any case.
        public var text: String?
        /// From this instant on.
        public var since: Date?
        /// Before this instant.
        public var until: Date?
        /// Entries older than this one (the next page).
        public var before: Int64?

        public init(unit: String? = nil, action: Action? = nil, text: String? = nil, since: Date? = nil, until: Date? = nil,
                    before: Int64? = nil) {
            self.unit = unit
            self.action = action
            self.text = text
            self.since = since
            self.until = until
            self.before = before
        }
    }

    /// A page of entries, newest first, and the id to ask `before` for the next (nil: the last page).
    public struct Page: Sendable, Hashable {
        public var entries: [AuditEntry]
        public var nextBefore: Int64?
    }

    /// The newest entries first, of `district` (or of every district in scope, and the global ones
    /// for an admin or auditor), from `since` on.
    public static func list(district: String? = nil, since: Date? = nil, limit: Int = 1_000, database: Database) async throws -> [AuditEntry] {
        try await page(Filter(unit: district, since: since), limit: limit, database: database).entries
    }

    /// A page of at most `limit` entries matching `filter`, newest first.
    public static func page(_ filter: Filter, limit: Int, database: Database) async throws -> Page {
        var entries: [AuditEntry] = []
        let decoder = JSONDecoder()
        let rows = try await database.query(AuditLogSQL.list(filter, limit: limit + 1), "read the audit log")
        for try await (id, at, actor, role, token, action, district, period, subject, before, after) in rows.decode(
            (Int64, Date, String, String, Int64?, String, String?, String?, String, String?, String?).self) {
            guard let role = Role(rawValue: role), let action = Action(rawValue: action) else {
                throw StoreError.query(sqlState: nil, message: "audit entry \(id) names an unknown role or action (\(role), \(action))", context: "read the audit log")
            }
            var entry = AuditEntry(by: Identity(tokenID: token, name: actor, role: role, districts: []), action,
                                   district: district, period: period.flatMap { Period($0) }, subject: subject)
            entry.id = id
            entry.at = at
            entry.before = before.flatMap { try? decoder.decode([String: AuditValue].self, from: Data($0.utf8)) }
            entry.after = after.flatMap { try? decoder.decode([String: AuditValue].self, from: Data($0.utf8)) }
            entries.append(entry)
        }
        guard entries.count > limit else { return Page(entries: entries, nextBefore: nil) }
        entries.removeLast()
        return Page(entries: entries, nextBefore: entries.last?.id)
    }
}
