import ChitraCore
import Foundation
import PostgresNIO

/// The audit log's statements: append one entry, read entries newest first.
enum AuditLogSQL {
    /// Through the database's function (migration 29): under a person's token the entry names the
    /// token's holder, whatever `entry` says; the unit must be within the credential's reach.
    static func append(_ entry: AuditEntry) -> PostgresQuery {
        let period = entry.period
        return """
            SELECT chitra_append_audit(\(entry.actor), \(entry.actorRole.rawValue), \(entry.actorTokenID), \(entry.action.rawValue),
                                       \(entry.district), \(period)::date, \(entry.subject), \(json(entry.before))::jsonb, \(json(entry.after))::jsonb)
            """
    }

    static func list(district: String?, since: Date?, limit: Int) -> PostgresQuery {
        """
        SELECT id, at, actor, actor_role, actor_token_id, action, unit_code, to_char(period, 'YYYY-MM'), subject,
               before::text, after::text
        FROM audit_log
        WHERE (\(district)::text IS NULL OR unit_code = \(district)) AND (\(since)::timestamptz IS NULL OR at >= \(since))
        ORDER BY id DESC LIMIT \(limit)
        """
    }

    static func json(_ summary: [String: AuditValue]?) -> String? {
        guard let summary else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(summary)).map { String(decoding: $0, as: UTF8.self) }
    }
}
