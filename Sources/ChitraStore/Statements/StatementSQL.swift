import ChitraCore
import PostgresNIO

/// The statements of taking in a bank's statements and reconciling them.
enum StatementSQL {
    /// The payout units (of the caller's scope) paying from `account` at `bank` on `day`.
    static func payingUnits(account: String, bank: String, day: Day) -> PostgresQuery {
        """
        SELECT code, debit_grace_days FROM payout_units WHERE paying_account = \(account) AND paying_bank = \(bank)
          AND (months IS NULL OR months @> \(day.description)::date) ORDER BY code
        """
    }

    static func payingAccount(of unit: String) -> PostgresQuery {
        "SELECT paying_account, paying_bank FROM payout_units WHERE code = \(unit)"
    }

    /// Holds the account's statements for this transaction.
    static func lockAccount(_ account: String) -> PostgresQuery {
        "SELECT pg_advisory_xact_lock(hashtextextended('chitra.statements.' || \(account), 0))"
    }

    /// Records the statement unless the account's sequence number is already there; its id either
    /// way, whether it is new, and the balances first recorded.
    static func record(_ statement: BankStatement, unit: String, format: String, sha256: String, fileName: String, by: String) -> PostgresQuery {
        """
        WITH added AS (
            INSERT INTO bank_statements (account, institution, unit_code, sequence_number, statement_id, day, opening_vnd, closing_vnd,
                                         entries, format, sha256, file_name, imported_by)
            VALUES (\(statement.account), \(statement.institution), \(unit), \(statement.sequenceNumber), \(statement.statementID),
                    \(statement.day.description)::date, \(statement.openingVND), \(statement.closingVND), \(statement.entries.count),
                    \(format), \(sha256), \(fileName), \(by))
            ON CONFLICT (account, sequence_number) DO NOTHING
            RETURNING id, opening_vnd, closing_vnd
        )
        SELECT id, true, opening_vnd, closing_vnd FROM added
        UNION ALL
        SELECT id, false, opening_vnd, closing_vnd FROM bank_statements
        WHERE account = \(statement.account) AND sequence_number = \(statement.sequenceNumber) AND NOT EXISTS (SELECT 1 FROM added)
        """
    }

    /// A notification (camt.054), once by its id: its id, whether it is new.
    static func recordNotification(_ notification: BankStatement, unit: String, sha256: String, fileName: String, by: String) -> PostgresQuery {
        """
        WITH added AS (
            INSERT INTO bank_statements (kind, account, institution, unit_code, statement_id, day, entries, format, sha256, file_name, imported_by)
            VALUES ('notification', \(notification.account), \(notification.institution), \(unit), \(notification.statementID),
                    \(notification.day.description)::date, \(notification.entries.count), 'camt.054', \(sha256), \(fileName), \(by))
            ON CONFLICT (account, statement_id) WHERE kind = 'notification' DO NOTHING
            RETURNING id
        )
        SELECT id, true, 0::int8, 0::int8 FROM added
        UNION ALL
        SELECT id, false, 0::int8, 0::int8 FROM bank_statements
        WHERE account = \(notification.account) AND statement_id = \(notification.statementID) AND kind = 'notification'
          AND NOT EXISTS (SELECT 1 FROM added)
        """
    }

    /// The entries already taken in among `references`: reference, amount, direction, reversal,
    /// status, booking day, EndToEndId.
    static func known(account: String, references: [String]) -> PostgresQuery {
        """
        SELECT servicer_reference, amount_vnd, direction, reversal, status, booking_day - date '2000-01-01', coalesce(end_to_end_id, '')
        FROM statement_entries WHERE account = \(account) AND servicer_reference = ANY(\(references)::text[])
        """
    }

    /// The unit's transfers named by `ids`: EndToEndId, amount, state as seen. What their entries
    /// and breaks say is read by `entriesOf` and `duplicatesOf`, each once for all of them (a
    /// subquery per transfer is planned on the statistics of an empty table when statements are
    /// taken in together, and then scans the table once a transfer: 63 s for 44,000 entries).
    static func transfers(unit: String, ids: [String]) -> PostgresQuery {
        PostgresQuery(unsafeSQL: """
            SELECT d.end_to_end_id, d.amount_vnd, \(DisbursementStateSQL.seenState(run: "r.state"))
            FROM disbursements d JOIN runs r ON r.id = d.run_id
            WHERE d.end_to_end_id = ANY($1::text[]) AND d.unit_code = $2
            """, binds: binds(ids, unit))
    }

    /// The entries taken in before of the transfers `ids`: EndToEndId, direction, reversal,
    /// outcome, whether it is a return with a reason (no reversal, no recall's credit).
    static func entriesOf(_ ids: [String]) -> PostgresQuery {
        """
        SELECT end_to_end_id, direction, reversal, outcome, code = \(returnCode) AND NOT reversal
        FROM statement_entries WHERE end_to_end_id = ANY(\(ids)::text[]) AND outcome IN ('settled', 'waiting', 'recalled')
        """
    }

    /// Every second debit raised for the transfers `ids`, whatever finance did with its break (a
    /// duplicate closed before the bank gave it back is still owed back): EndToEndId, how many.
    static func duplicatesOf(_ ids: [String]) -> PostgresQuery {
        """
        SELECT end_to_end_id, count(*) FROM statement_breaks
        WHERE end_to_end_id = ANY(\(ids)::text[]) AND kind = 'duplicate' GROUP BY end_to_end_id
        """
    }

    static func notificationTaken(account: String, id: String) -> PostgresQuery {
        "SELECT EXISTS (SELECT 1 FROM bank_statements WHERE account = \(account) AND statement_id = \(id) AND kind = 'notification')"
    }

    static func hasEnded(_ day: Day) -> PostgresQuery {
        "SELECT (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date > \(day.description)::date"
    }

    /// How a return is written in `statement_entries.code`.
    static let returnCode = BankStatement.TransactionCode.transferReturned.column

    /// Entries as parallel arrays, for one `unnest`.
    struct Entries {
        var references: [String] = [], amounts: [Int64] = [], directions: [String] = [], reversals: [Bool] = []
        // An absent EndToEndId or reason is '' (NULL in the table).
        var statuses: [String] = [], days: [String] = [], codes: [String] = [], ids: [String] = [], reasons: [String] = []
        var outcomes: [String] = []

        mutating func append(_ entry: BankStatement.Entry, outcome: StatementMatching.Outcome) {
            references.append(entry.servicerReference)
            amounts.append(entry.amountVND)
            directions.append(entry.direction.rawValue)
            reversals.append(entry.reversal)
            statuses.append(entry.status)
            days.append(entry.bookingDay.description)
            codes.append(entry.code.column)
            ids.append(entry.endToEndID ?? "")
            reasons.append(entry.returnReason ?? "")
            outcomes.append(outcome.rawValue)
        }
    }

    static func insert(_ e: Entries, account: String, statement: Int64, unit: String) -> PostgresQuery {
        var b = PostgresBindings()
        b.append(e.references); b.append(e.amounts); b.append(e.directions); b.append(e.reversals); b.append(e.statuses)
        b.append(e.days); b.append(e.codes); b.append(e.ids); b.append(e.reasons); b.append(e.outcomes)
        b.append(account); b.append(statement); b.append(unit)
        return PostgresQuery(unsafeSQL: """
            INSERT INTO statement_entries (account, servicer_reference, statement, unit_code, amount_vnd, direction, reversal, status,
                                           booking_day, code, end_to_end_id, return_reason, outcome)
            SELECT $11, r, $12, $13, a, dir, rev, st, day::date, c, NULLIF(id, ''), NULLIF(rsn, ''), o
            FROM unnest($1::text[], $2::int8[], $3::text[], $4::bool[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
                 AS u(r, a, dir, rev, st, day, c, id, rsn, o)
            ON CONFLICT (account, servicer_reference) DO UPDATE SET status = excluded.status, outcome = excluded.outcome
                WHERE statement_entries.status = 'PDNG'
            """, binds: b)
    }

    /// Moves each named transfer from the state it was matched in to the next; returns how many moved.
    static func move(unit: String, ids: [String], from: [String], to: [String], days: [String], reasons: [String]) -> PostgresQuery {
        var b = PostgresBindings()
        b.append(ids); b.append(from); b.append(to); b.append(days); b.append(reasons); b.append(unit)
        return PostgresQuery(unsafeSQL: """
            WITH moved AS (
                UPDATE disbursements d SET state = u.next,
                    settled_on = CASE WHEN u.next = 'settled' THEN u.day::date ELSE d.settled_on END,
                    failure_reason = CASE WHEN u.next = 'returned' AND u.reason ~ '^[A-Z0-9]{4}$' THEN u.reason ELSE d.failure_reason END
                FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS u(id, previous, next, day, reason), runs r
                WHERE d.end_to_end_id = ANY($1::text[]) AND d.end_to_end_id = u.id AND d.unit_code = $6 AND r.id = d.run_id
                  AND \(DisbursementStateSQL.seenState(run: "r.state")) = u.previous
                RETURNING 1)
            SELECT count(*) FROM moved
            """, binds: b)
    }

    /// A break, once per entry (or statement) and kind.
    struct Breaks {
        // Absent values are '' (NULL in the table).
        var references: [String] = [], kinds: [String] = [], ids: [String] = [], expected: [String] = [], actual: [String] = []
        var details: [String] = []

        mutating func append(reference: String?, _ raised: StatementMatching.Break, id: String?, actual: Int64?) {
            references.append(reference ?? "")
            kinds.append(raised.kind.rawValue)
            ids.append(id ?? "")
            expected.append(raised.expectedVND.map(String.init) ?? "")
            self.actual.append(actual.map(String.init) ?? "")
            details.append(raised.detail)
        }

        var isEmpty: Bool { kinds.isEmpty }
    }

    static func raise(_ k: Breaks, account: String, statement: Int64, unit: String) -> PostgresQuery {
        var b = PostgresBindings()
        b.append(k.references); b.append(k.kinds); b.append(k.ids); b.append(k.expected); b.append(k.actual); b.append(k.details)
        b.append(account); b.append(statement); b.append(unit)
        return PostgresQuery(unsafeSQL: """
            WITH raised AS (
                INSERT INTO statement_breaks (unit_code, account, statement, servicer_reference, kind, end_to_end_id, expected_vnd, actual_vnd, detail)
                SELECT $9, $7, $8, NULLIF(r, ''), k, NULLIF(id, ''), NULLIF(e, '')::int8, NULLIF(a, '')::int8, dt
                FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS u(r, k, id, e, a, dt)
                ON CONFLICT DO NOTHING RETURNING kind, id)
            SELECT kind, id FROM raised
            """, binds: b)
    }

    /// Duplicates just raised are recalled at once: `recalling`, asked now.
    static func recalling(_ ids: [Int64]) -> PostgresQuery {
        "UPDATE statement_breaks SET state = 'recalling', recall_asked_at = now() WHERE id = ANY(\(ids)::int8[]) AND state = 'open' RETURNING id"
    }

    /// Closes, for each entry giving a second debit back (EndToEndId, the entry's reference, its
    /// day), one duplicate of that transfer not yet closed (recalling first, then the oldest);
    /// returns how many closed.
    static func givenBack(ids: [String], references: [String], days: [String], by: String) -> PostgresQuery {
        var b = PostgresBindings()
        b.append(ids); b.append(references); b.append(days); b.append(by)
        return PostgresQuery(unsafeSQL: """
            WITH back AS (SELECT id, ref, day, row_number() OVER (PARTITION BY id ORDER BY ref) AS n
                          FROM unnest($1::text[], $2::text[], $3::text[]) AS u(id, ref, day)),
            owed AS (SELECT b.id AS break_id, b.end_to_end_id,
                            row_number() OVER (PARTITION BY b.end_to_end_id ORDER BY b.state = 'recalling' DESC, b.id) AS n
                     FROM statement_breaks b
                     WHERE b.end_to_end_id = ANY($1::text[]) AND b.kind = 'duplicate' AND b.state <> 'closed'),
            closed AS (
                UPDATE statement_breaks s SET state = 'closed', handled_by = $4, handled_at = now(),
                    note = 'the bank gave the second debit back: entry ' || back.ref || ' of ' || back.day
                FROM back JOIN owed ON owed.end_to_end_id = back.id AND owed.n = back.n
                WHERE s.id = owed.break_id
                RETURNING 1)
            SELECT count(*) FROM closed
            """, binds: b)
    }

    /// The unit's bank transfers paid (ACSC) in a batch answered on or before `cutoff` (Vietnam's
    /// day), and not before the unit's first statement taken in (earlier ones could be on none),
    /// that no booked entry debits: EndToEndId, amount.
    static func notDebited(unit: String, cutoff: Day) -> PostgresQuery {
        """
        SELECT d.end_to_end_id, d.amount_vnd
        FROM runs r JOIN disbursements d ON d.run_id = r.id JOIN transfer_batches b ON b.id = d.batch_id
        WHERE r.unit_code = \(unit) AND d.state = 'paid' AND d.rail <> 'cash'
          AND (b.answered_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date <= \(cutoff.description)::date
          AND (b.answered_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date >= (SELECT min(s.day) FROM bank_statements s WHERE s.unit_code = \(unit) AND s.kind = 'statement')
          AND NOT EXISTS (SELECT 1 FROM statement_entries e WHERE e.end_to_end_id = d.end_to_end_id AND e.direction = 'DBIT' AND NOT e.reversal
                          AND e.status = 'BOOK')
        ORDER BY d.end_to_end_id LIMIT 100000
        """
    }

    /// Breaks of transfers not debited in time, closed by the debits that came (EndToEndId, entry, day).
    static func debitArrived(ids: [String], references: [String], days: [String], by: String) -> PostgresQuery {
        var b = PostgresBindings()
        b.append(ids); b.append(references); b.append(days); b.append(by)
        return PostgresQuery(unsafeSQL: """
            UPDATE statement_breaks s SET state = 'closed', handled_by = $4, handled_at = now(),
                note = 'the debit arrived: entry ' || u.ref || ' of ' || u.day
            FROM unnest($1::text[], $2::text[], $3::text[]) AS u(id, ref, day)
            WHERE s.end_to_end_id = ANY($1::text[]) AND s.end_to_end_id = u.id AND s.kind = 'not_debited' AND s.state = 'open'
            """, binds: b)
    }

    /// The unit's debits that waited for their transfer's answer, with the transfer as it stands.
    static func waiting(unit: String) -> PostgresQuery {
        PostgresQuery(unsafeSQL: """
            SELECT e.account, e.servicer_reference, e.statement, e.amount_vnd, e.booking_day - date '2000-01-01', e.end_to_end_id,
                   d.amount_vnd, \(DisbursementStateSQL.seenState(run: "r.state"))
            FROM statement_entries e JOIN disbursements d ON d.end_to_end_id = e.end_to_end_id AND d.unit_code = e.unit_code
            JOIN runs r ON r.id = d.run_id
            WHERE e.unit_code = $1 AND e.outcome = 'waiting'
              AND \(DisbursementStateSQL.seenState(run: "r.state")) NOT IN ('submitted', 'accepted', 'pending')
            """, binds: binds(unit))
    }

    static func setOutcome(account: String, references: [String], outcomes: [String]) -> PostgresQuery {
        var b = PostgresBindings()
        b.append(references); b.append(outcomes); b.append(account)
        return PostgresQuery(unsafeSQL: """
            UPDATE statement_entries e SET outcome = u.o FROM unnest($1::text[], $2::text[]) AS u(r, o)
            WHERE e.account = $3 AND e.servicer_reference = u.r
            """, binds: b)
    }

    /// The statements either side of `sequence` in the account's sequence: number, opening, closing.
    static func neighbours(account: String, sequence: Int) -> PostgresQuery {
        """
        SELECT sequence_number, opening_vnd, closing_vnd FROM bank_statements
        WHERE account = \(account) AND sequence_number IN (\(sequence - 1), \(sequence + 1))
        """
    }

    /// The numbers missing in the account's sequence, between its first and its last statement.
    static func gaps(account: String) -> PostgresQuery {
        """
        SELECT n FROM (SELECT min(sequence_number) AS first, max(sequence_number) AS last FROM bank_statements
                       WHERE account = \(account) AND kind = 'statement') s,
                      generate_series(s.first, s.last) AS n
        WHERE NOT EXISTS (SELECT 1 FROM bank_statements b WHERE b.account = \(account) AND b.sequence_number = n)
        ORDER BY n LIMIT 100
        """
    }

    private static func binds(_ ids: [String], _ unit: String) -> PostgresBindings {
        var b = PostgresBindings()
        b.append(ids)
        b.append(unit)
        return b
    }

    private static func binds(_ unit: String) -> PostgresBindings {
        var b = PostgresBindings()
        b.append(unit)
        return b
    }
}

extension BankStatement.TransactionCode {
    /// As `statement_entries.code` holds it: domain/family/sub-family.
    var column: String { "\(domain)/\(family)/\(subFamily)" }

    /// The code `column` holds (nil: not three parts).
    init?(column: String) {
        let parts = column.split(separator: "/").map(String.init)
        guard parts.count == 3 else { return nil }
        self.init(parts[0], parts[1], parts[2])
    }
}
