import ChitraCore
import Foundation
import PostgresNIO

/// The audit log's statements: append one entry, read entries newest first.
enum AuditLogSQL {
    static func append(_ entry: AuditEntry) -> PostgresQuery {
        let period = entry.period
        return """
            INSERT INTO audit_log (actor, actor_role, actor_token_id, action, unit_code, period, subject, before, after)
            VALUES (\(entry.actor), \(entry.actorRole.rawValue), \(entry.actorTokenID), \(entry.action.rawValue), \(entry.district),
                    \(period), \(entry.subject), \(json(entry.before))::jsonb, \(json(entry.after))::jsonb)
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
