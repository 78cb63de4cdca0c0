import ChitraCore
import PostgresNIO

/// What an entry changes of the entries taken in before it, so that statements taken in out of
/// order end where they would in order (`StatementMatching.Amendment`): a second debit given back
/// by a return taken in ahead of it, a return that proves the payment's own once the bank gives
/// the second debit back on a recall, and money back still ahead once no statement can bring the
/// debit it gives back.
extension StatementImport {
    /// Entries giving a second debit back (their EndToEndId, reference, day): each closes one
    /// duplicate of its transfer.
    struct GivenBack {
        var ids: [String] = [], references: [String] = [], days: [String] = []

        mutating func append(_ entry: BankStatement.Entry) {
            append(id: entry.endToEndID ?? "", reference: entry.servicerReference, day: entry.bookingDay.description)
        }

        mutating func append(id: String, reference: String, day: String) {
            ids.append(id)
            references.append(reference)
            days.append(day)
        }
    }

    /// Makes the amendments that name entries of earlier imports (those of this statement are made
    /// by `StatementMatching.decide`), on the unit's entries other than `statement`'s.
    static func amend(_ amending: [StatementMatching.Amendment: [String]], unit: String, statement: Int64,
                      before: [String: StatementMatching.Transfer], givenBack: inout GivenBack, moves: inout Moves,
                      outcome: inout Outcome, on connection: PostgresConnection) async throws {
        if let ids = amending[.aheadGivesBack] {
            for try await (id, reference, day) in try await connection.send(StatementAmendmentSQL.aheadGivesBack(ids: ids, unit: unit, statement: statement),
                                                                            logger: Database.quiet).decode((String, String, String).self) {
                givenBack.append(id: id, reference: reference, day: day)
            }
        }
        if let ids = amending[.returnIsThePayments] {
            for try await (id, reason, day) in try await connection.send(
                StatementAmendmentSQL.returnIsThePayments(ids: ids, unit: unit, statement: statement), logger: Database.quiet)
                .decode((String, String, Int32).self) {
                guard let was = before[id]?.state else { continue }
                moves.add(id, from: was, to: .returned, day: Day(daysSince2000: Int(day)), reason: reason)
                outcome.returned += 1
            }
        }
    }

    /// Money back still `ahead` on `account` that no statement can now bring the second debit of:
    /// the account's statements are in without a gap from a day no later than the transfer's
    /// approval through the entry's day. Each becomes a break (`invalid_return`).
    static func returnsOfNothing(account: String, on connection: PostgresConnection, breaks: inout StatementSQL.Breaks) async throws {
        for try await (reference, id, amount, day) in try await connection.send(StatementAmendmentSQL.returnsOfNothing(account: account),
                                                                                logger: Database.quiet).decode((String, String, Int64, String).self) {
            breaks.append(reference: reference, .init(kind: .invalidReturn, expectedVND: nil,
                                                      detail: "\(amount) đồng came back for \(id) on \(day), which the bank had given back already, "
                                                          + "and no statement debits it again"),
                          id: id, actual: amount)
        }
    }
}

/// The statements of amending entries taken in before.
enum StatementAmendmentSQL {
    /// For each of `ids` (a transfer named once per second debit), its oldest return `ahead` taken
    /// in before `statement` becomes `recalled`: EndToEndId, reference, day.
    static func aheadGivesBack(ids: [String], unit: String, statement: Int64) -> PostgresQuery {
        """
        WITH wanted AS (SELECT id, count(*) AS n FROM unnest(\(ids)::text[]) AS u(id) GROUP BY id),
        ranked AS (SELECT e.account, e.servicer_reference, w.n,
                          row_number() OVER (PARTITION BY e.end_to_end_id ORDER BY e.booking_day, e.servicer_reference) AS k
                   FROM statement_entries e JOIN wanted w ON w.id = e.end_to_end_id
                   WHERE e.unit_code = \(unit) AND e.outcome = 'ahead' AND e.statement <> \(statement))
        UPDATE statement_entries s SET outcome = 'recalled' FROM ranked r
        WHERE r.k <= r.n AND s.account = r.account AND s.servicer_reference = r.servicer_reference
        RETURNING s.end_to_end_id, s.servicer_reference, s.booking_day::text
        """
    }

    /// For each of `ids`, its latest return (no recall's credit) that gave a second debit back,
    /// taken in before `statement`, becomes `returned`: EndToEndId, reason, day (days since 2000).
    static func returnIsThePayments(ids: [String], unit: String, statement: Int64) -> PostgresQuery {
        """
        WITH wanted AS (SELECT id, count(*) AS n FROM unnest(\(ids)::text[]) AS u(id) GROUP BY id),
        ranked AS (SELECT e.account, e.servicer_reference, w.n,
                          row_number() OVER (PARTITION BY e.end_to_end_id ORDER BY e.booking_day DESC, e.servicer_reference DESC) AS k
                   FROM statement_entries e JOIN wanted w ON w.id = e.end_to_end_id
                   WHERE e.unit_code = \(unit) AND e.outcome = 'recalled' AND e.code <> \(StatementSQL.recallCode)
                     AND e.statement <> \(statement))
        UPDATE statement_entries s SET outcome = 'returned' FROM ranked r
        WHERE r.k <= r.n AND s.account = r.account AND s.servicer_reference = r.servicer_reference
        RETURNING s.end_to_end_id, coalesce(s.return_reason, CASE WHEN s.reversal THEN 'reversal' ELSE '' END), s.booking_day - date '2000-01-01'
        """
    }

    /// Entries of `account` still `ahead` that the statements in without a gap cover: from the
    /// account's first statement, on or before the day their transfer's run was approved, through
    /// the entry's day. They become breaks: reference, EndToEndId, amount, day.
    static func returnsOfNothing(account: String) -> PostgresQuery {
        """
        WITH s AS (SELECT sequence_number, day, row_number() OVER (ORDER BY sequence_number) AS rn,
                          min(sequence_number) OVER () AS first, min(day) OVER () AS first_day
                   FROM bank_statements WHERE account = \(account) AND kind = 'statement'),
        bounds AS (SELECT max(day) AS through, min(first_day) AS first_day FROM s WHERE sequence_number - first + 1 = rn)
        UPDATE statement_entries e SET outcome = 'break'
        FROM bounds, disbursements d JOIN runs r ON r.id = d.run_id
        WHERE e.account = \(account) AND e.outcome = 'ahead' AND e.booking_day <= bounds.through
          AND d.end_to_end_id = e.end_to_end_id AND d.unit_code = e.unit_code
          AND bounds.first_day <= (r.approved_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
        RETURNING e.servicer_reference, e.end_to_end_id, e.amount_vnd, e.booking_day::text
        """
    }
}
