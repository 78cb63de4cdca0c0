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

    /// Many entries in one statement, each through the same function (its checks row by row).
    static func append(_ entries: [AuditEntry]) -> PostgresQuery {
        let actors = entries.map(\.actor), roles = entries.map(\.actorRole.rawValue), actions = entries.map(\.action.rawValue)
        // Absent values as empty text, since the arrays carry no NULLs: no token is id 0 (ids start at 1).
        let tokens = entries.map { $0.actorTokenID ?? 0 }, units = entries.map { $0.district ?? "" }
        let periods = entries.map { $0.period.map { "\($0)-01" } ?? "" }, subjects = entries.map(\.subject)
        let befores = entries.map { json($0.before) ?? "" }, afters = entries.map { json($0.after) ?? "" }
        return """
            SELECT chitra_append_audit(actor, role, nullif(token, 0), action, nullif(unit, ''), nullif(period, '')::date, subject,
                                       nullif(before, '')::jsonb, nullif(after, '')::jsonb)
            FROM unnest(\(actors)::text[], \(roles)::text[], \(tokens)::int8[], \(actions)::text[], \(units)::text[], \(periods)::text[],
                        \(subjects)::text[], \(befores)::text[], \(afters)::text[]) WITH ORDINALITY
                 AS e(actor, role, token, action, unit, period, subject, before, after, n)
            ORDER BY n
            """
    }

    /// Newest first; the text is looked for in the actor's name and the subject, case aside.
    static func list(_ filter: AuditLog.Filter, limit: Int) -> PostgresQuery {
        let action = filter.action?.rawValue
        let text = filter.text.map { $0.lowercased() }
        return """
            SELECT id, at, actor, actor_role, actor_token_id, action, unit_code, to_char(period, 'YYYY-MM'), subject,
                   before::text, after::text
            FROM audit_log
            WHERE (\(filter.unit)::text IS NULL OR unit_code = \(filter.unit)) AND (\(action)::text IS NULL OR action = \(action))
              AND (\(filter.since)::timestamptz IS NULL OR at >= \(filter.since)) AND (\(filter.until)::timestamptz IS NULL OR at < \(filter.until))
              AND (\(filter.before)::int8 IS NULL OR id < \(filter.before))
              AND (\(text)::text IS NULL OR strpos(lower(actor), \(text)) > 0 OR strpos(lower(subject), \(text)) > 0)
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
