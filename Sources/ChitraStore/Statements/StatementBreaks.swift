import ChitraCore
import Foundation
import PostgresNIO

/// The breaks the statements raised, as finance works them: listed (open first), and closed one
/// by one with a note, audited in the same transaction. A closed break never changes again.
public enum StatementBreaks {
    public struct Break: Sendable, Hashable, Codable {
        public var id: Int64
        public var unit: String
        /// The account, masked (`****1234`).
        public var account: String
        public var kind: StatementBreakKind
        public var state: StatementBreakState
        public var entry: String?
        public var endToEndID: String?
        public var expectedVND: Int64?
        public var actualVND: Int64?
        public var detail: String
        public var statementDay: String
        public var handledBy: String?
        public var note: String?
        /// The bank's answer to its recall: accepted, or refused with its reason.
        public var recall: String?
        /// On closing: the runs whose month closed with it (`RunClosing`).
        public var completedRuns: [Int64]?

        init(_ row: StatementBreakSQL.Row) {
            let (id, unit, account, kind, state, entry, e2e, expected, actual, detail, day, by, note, recall) = row
            self.id = id
            self.unit = unit
            self.account = "****" + account.suffix(4)
            // The schema's checks hold both to these values.
            self.kind = StatementBreakKind(rawValue: kind) ?? .unknown
            self.state = StatementBreakState(rawValue: state) ?? .open
            self.entry = entry
            self.endToEndID = e2e
            self.expectedVND = expected
            self.actualVND = actual
            self.detail = detail
            self.statementDay = day
            self.handledBy = by
            self.note = note
            self.recall = recall
        }

        enum CodingKeys: String, CodingKey {
            case id, unit, account, kind, state, entry, endToEndID = "end_to_end_id", expectedVND = "expected_vnd", actualVND = "actual_vnd"
            case detail, statementDay = "statement_day", handledBy = "handled_by", note, recall, completedRuns = "completed_runs"
        }
    }

    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        case noSuchBreak(Int64)
        case alreadyClosed(Int64, by: String)
        case noNote
        /// Only a second debit, open (a recall refused, or never asked), is recalled.
        case notRecallable(Int64, kind: StatementBreakKind, state: StatementBreakState)

        public var description: String {
            switch self {
            case .noSuchBreak(let id): "No break \(id) is yours to see: `chitra statements breaks` lists them."
            case .alreadyClosed(let id, let by): "Break \(id) was already closed by \(by); nothing changed."
            case .noNote: "Say what was done in a note (--note): a break is closed with one."
            case .notRecallable(let id, let kind, let state):
                kind != .duplicate ? "Break \(id) is no second debit (\(kind.rawValue)): only a duplicate is recalled."
                    : "Break \(id) is \(state.rawValue): only an open duplicate is recalled (again)."
            }
        }
    }

    /// The breaks of the caller's units (of `unit` alone if given), open ones first, newest first.
    public static func list(unit: String? = nil, includeClosed: Bool = false, limit: Int = 500, database: Database) async throws -> [Break] {
        var result: [Break] = []
        let rows = try await database.query(StatementBreakSQL.list(unit: unit, includeClosed: includeClosed, limit: limit), "list the statements' breaks")
        for try await row in rows.decode(StatementBreakSQL.Row.self) { result.append(Break(row)) }
        return result
    }

    /// Closes break `id` with `note`.
    public static func close(id: Int64, note: String, by identity: Identity, database: Database) async throws -> Break {
        let note = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !note.isEmpty else { throw Failure.noNote }
        return try await database.transaction("close break \(id)") { connection in
            var found: (String, String, String?)?
            for try await row in try await connection.send(StatementBreakSQL.lock(id: id), logger: Database.quiet).decode((String, String, String?).self) {
                found = row
            }
            guard let (unit, state, by) = found else { throw Failure.noSuchBreak(id) }
            guard let current = StatementBreakState(rawValue: state), current.canBecome(.closed) else { throw Failure.alreadyClosed(id, by: by ?? "?") }
            try await connection.execute(StatementBreakSQL.close(id: id, note: note, by: identity.name), logger: Database.quiet)
            try await AuditLog.append(AuditEntry(by: identity, .handleBreaks, district: unit, subject: "break \(id)",
                                                 before: ["state": .text(current.rawValue)],
                                                 after: ["state": .text(StatementBreakState.closed.rawValue), "note": .text(note)]), on: connection)
            var closed = try await one(id: id, on: connection)
            closed.completedRuns = try await RunClosing.closeIfReconciled(unit: unit, on: connection)
            return closed
        }
    }
}

extension StatementBreaks {
    /// Break `id` as it stands, read on `connection`.
    static func one(id: Int64, on connection: PostgresConnection) async throws -> Break {
        for try await row in try await connection.send(StatementBreakSQL.one(id: id), logger: Database.quiet).decode(StatementBreakSQL.Row.self) {
            return Break(row)
        }
        throw Failure.noSuchBreak(id)
    }

    /// What a recall names: the account, the entry, the transfer.
    public struct RecallTarget: Sendable, Hashable {
        public var unit: String
        public var account: String
        public var entry: String
        public var endToEndID: String
        public var state: StatementBreakState
    }

    public static func recallTarget(id: Int64, database: Database) async throws -> RecallTarget? {
        var found: RecallTarget?
        for try await (unit, account, entry, e2e, state) in try await database.query(StatementBreakSQL.recallTarget(id: id), "read break \(id)")
            .decode((String, String, String, String, String).self) {
            found = RecallTarget(unit: unit, account: account, entry: entry, endToEndID: e2e, state: StatementBreakState(rawValue: state) ?? .open)
        }
        return found
    }

    /// The bank's answer to a recall, on the job's transaction: accepted (the money is to come back on
    /// a statement), or refused (the break opens again for finance, with the bank's reason).
    public static func recordRecall(id: Int64, refusedFor reason: String?, by identity: Identity, on connection: PostgresConnection) async throws {
        var unit: String?
        for try await row in try await connection.send(StatementBreakSQL.answerRecall(id: id, refusedFor: reason), logger: Database.quiet)
            .decode(String.self) { unit = row }
        guard let unit else { return }
        try await AuditLog.append(AuditEntry(by: identity, .handleBreaks, district: unit, subject: "break \(id)",
                                             before: ["state": .text(StatementBreakState.recalling.rawValue)],
                                             after: ["state": .text((reason == nil ? StatementBreakState.recalling : .open).rawValue),
                                                     "recall": .text(reason.map { "refused: \($0)" } ?? "accepted")]), on: connection)
    }

    /// Finance asks the bank again for an open duplicate (a recall refused before): `recalling`, a
    /// new recall job, audited.
    public static func recallAgain(id: Int64, by identity: Identity, database: Database) async throws -> Break {
        try await database.transaction("recall break \(id)") { connection in
            var found: (String, String, String)?
            for try await row in try await connection.send(StatementBreakSQL.lockForRecall(id: id), logger: Database.quiet)
                .decode((String, String, String).self) { found = row }
            guard let (unit, kind, state) = found else { throw Failure.noSuchBreak(id) }
            let current = StatementBreakState(rawValue: state) ?? .closed, what = StatementBreakKind(rawValue: kind) ?? .unknown
            guard what == .duplicate, current.canBecome(.recalling) else { throw Failure.notRecallable(id, kind: what, state: current) }
            try await connection.execute(StatementSQL.recalling([id]), logger: Database.quiet)
            _ = try await JobQueue.enqueue(StatementJobs.recall(breakID: id, unit: unit), on: connection)
            try await AuditLog.append(AuditEntry(by: identity, .handleBreaks, district: unit, subject: "break \(id)",
                                                 before: ["state": .text(current.rawValue)], after: ["state": .text(StatementBreakState.recalling.rawValue)]),
                                      on: connection)
            return try await one(id: id, on: connection)
        }
    }
}

/// The statements of the breaks' list and their closing.
enum StatementBreakSQL {
    typealias Row = (Int64, String, String, String, String, String?, String?, Int64?, Int64?, String, String, String?, String?, String?)

    static let columns = """
        b.id, b.unit_code, b.account, b.kind, b.state, b.servicer_reference, b.end_to_end_id, b.expected_vnd, b.actual_vnd, b.detail,
        s.day::text, b.handled_by, b.note, b.recall_answer
        """

    static func list(unit: String?, includeClosed: Bool, limit: Int) -> PostgresQuery {
        """
        SELECT \(unescaped: columns) FROM statement_breaks b JOIN bank_statements s ON s.id = b.statement
        WHERE (\(unit)::text IS NULL OR b.unit_code = \(unit)) AND (\(includeClosed) OR b.state <> 'closed')
        ORDER BY b.state = 'closed', b.id DESC LIMIT \(limit)
        """
    }

    static func one(id: Int64) -> PostgresQuery {
        "SELECT \(unescaped: columns) FROM statement_breaks b JOIN bank_statements s ON s.id = b.statement WHERE b.id = \(id)"
    }

    static func lock(id: Int64) -> PostgresQuery {
        "SELECT unit_code, state, handled_by FROM statement_breaks WHERE id = \(id) FOR UPDATE"
    }

    static func recallTarget(id: Int64) -> PostgresQuery {
        """
        SELECT unit_code, account, servicer_reference, end_to_end_id, state FROM statement_breaks
        WHERE id = \(id) AND kind = 'duplicate' AND servicer_reference IS NOT NULL AND end_to_end_id IS NOT NULL
        """
    }

    static func lockForRecall(id: Int64) -> PostgresQuery {
        "SELECT unit_code, kind, state FROM statement_breaks WHERE id = \(id) FOR UPDATE"
    }

    /// Records the bank's answer on a break still recalling; its unit, if it was.
    static func answerRecall(id: Int64, refusedFor reason: String?) -> PostgresQuery {
        """
        UPDATE statement_breaks SET recall_answer = CASE WHEN \(reason)::text IS NULL THEN 'accepted' ELSE 'refused: ' || \(reason) END,
            state = CASE WHEN \(reason)::text IS NULL THEN state ELSE 'open' END
        WHERE id = \(id) AND state = 'recalling'
        RETURNING unit_code
        """
    }

    static func close(id: Int64, note: String, by: String) -> PostgresQuery {
        "UPDATE statement_breaks SET state = 'closed', handled_by = \(by), handled_at = now(), note = \(note) WHERE id = \(id) AND state <> 'closed'"
    }
}
