import ChitraCore
import PostgresNIO

/// What keeps statements taken in out of order ending where they would in order: money back
/// decided once the statements before it are in (`StatementMatching.expire`), and a return taken
/// for a second debit given back that proves the payment's own once the bank gives that debit back
/// on a recall (`StatementMatching.Amendment`).
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

    /// Money back still `ahead` on `account` of `unit` whose day the account's statements now
    /// cover without a gap from before the transfer's payment: decided in booking order
    /// (`StatementMatching.expire`), with what this import's entries did to the transfers
    /// (`known`) or else what the store holds. Moves and outcomes are written here; what gives a
    /// second debit back joins `givenBack`, breaks join `breaks`.
    static func expireAhead(account: String, unit: String, known: [String: StatementMatching.Transfer], on connection: PostgresConnection,
                            givenBack: inout GivenBack, breaks: inout StatementSQL.Breaks, outcome: inout Outcome, failure: Failure) async throws {
        var due: [String: [BankStatement.Entry]] = [:], order: [String] = []
        for try await (reference, id, amount, day, reason, reversal, code) in try await connection.send(
            StatementAmendmentSQL.aheadDue(account: account, unit: unit), logger: Database.quiet).decode((String, String, Int64, Int32, String, Bool, String).self) {
            if due[id] == nil { order.append(id) }
            let kind = BankStatement.TransactionCode(column: code) ?? .transferReturned
            due[id, default: []].append(BankStatement.Entry(servicerReference: reference, amountVND: amount, direction: .credit, reversal: reversal,
                                                            bookingDay: Day(daysSince2000: Int(day)), code: kind, endToEndID: id,
                                                            returnReason: reason.isEmpty ? nil : reason))
        }
        guard !due.isEmpty else { return }
        var transfers = known.filter { due[$0.key] != nil }
        let missing = order.filter { transfers[$0] == nil }
        if !missing.isEmpty { transfers.merge(try await matched(missing, unit: unit, on: connection)) { $1 } }
        var references: [String] = [], outcomes: [String] = [], moves = Moves(), earlier: [String] = []
        for id in order {
            guard var transfer = transfers[id], let entries = due[id] else { continue }
            let was = transfer.state
            for (entry, decision) in zip(entries, StatementMatching.expire(entries, transfer: &transfer)) {
                references.append(entry.servicerReference)
                outcomes.append(decision.outcome.rawValue)
                if decision.outcome == .recalled { givenBack.append(entry) }
                if let next = decision.next { moves.add(id, from: was, to: next, day: entry.bookingDay, reason: entry.reason) }
                if let raised = decision.breakRaised { breaks.append(reference: entry.servicerReference, raised, id: id, actual: entry.amountVND) }
                if decision.amends == .returnIsThePayments { earlier.append(id) }
                outcome.count(decision.outcome)
            }
        }
        // A return taken in before, taken then for a second debit that a recall's credit now gives back: the payment's own.
        if !earlier.isEmpty {
            for try await (id, reason, day) in try await connection.send(
                StatementAmendmentSQL.returnIsThePayments(ids: earlier, unit: unit), logger: Database.quiet)
                .decode((String, String, Int32).self) {
                guard let was = transfers[id]?.state else { continue }
                moves.add(id, from: was, to: .returned, day: Day(daysSince2000: Int(day)), reason: reason)
                outcome.returned += 1
            }
        }
        try await connection.execute(StatementSQL.setOutcome(account: account, references: references, outcomes: outcomes), logger: Database.quiet)
        try await moves.apply(unit: unit, on: connection, failure: failure)
    }
}

/// The statements of amending entries taken in before.
enum StatementAmendmentSQL {
    /// For each of `ids`, its latest return with a reason (no reversal, no recall's credit) that
    /// gave a second debit back, taken in before (the entries decided now are still `ahead`), becomes `returned`:
    /// EndToEndId, reason, day (days since 2000).
    static func returnIsThePayments(ids: [String], unit: String) -> PostgresQuery {
        """
        WITH wanted AS (SELECT id, count(*) AS n FROM unnest(\(ids)::text[]) AS u(id) GROUP BY id),
        ranked AS (SELECT e.account, e.servicer_reference, w.n,
                          row_number() OVER (PARTITION BY e.end_to_end_id ORDER BY e.booking_day DESC, e.servicer_reference DESC) AS k
                   FROM statement_entries e JOIN wanted w ON w.id = e.end_to_end_id
                   WHERE e.unit_code = \(unit) AND e.outcome = 'recalled' AND e.code = \(StatementSQL.returnCode) AND NOT e.reversal)
        UPDATE statement_entries s SET outcome = 'returned' FROM ranked r
        WHERE r.k <= r.n AND s.account = r.account AND s.servicer_reference = r.servicer_reference
        RETURNING s.end_to_end_id, coalesce(s.return_reason, ''), s.booking_day - date '2000-01-01'
        """
    }

    /// Money back `ahead` on `account` of `unit` that the account's statements cover without a gap
    /// from a day no later than its run's first payment file (its approval, or its creation, if it
    /// has none: before any debit of it) through the entry's day: in booking order, a transfer after another; reference, EndToEndId, amount, day
    /// (days since 2000), reason, reversal, code.
    static func aheadDue(account: String, unit: String) -> PostgresQuery {
        """
        WITH s AS (SELECT sequence_number, day, row_number() OVER (ORDER BY sequence_number) AS rn,
                          min(sequence_number) OVER () AS first, min(day) OVER () AS first_day
                   FROM bank_statements WHERE account = \(account) AND kind = 'statement'),
        bounds AS (SELECT max(day) AS through, min(first_day) AS first_day FROM s WHERE sequence_number - first + 1 = rn)
        SELECT e.servicer_reference, e.end_to_end_id, e.amount_vnd, e.booking_day - date '2000-01-01', coalesce(e.return_reason, ''), e.reversal, e.code
        FROM statement_entries e CROSS JOIN bounds
        JOIN disbursements d ON d.end_to_end_id = e.end_to_end_id AND d.unit_code = e.unit_code JOIN runs r ON r.id = d.run_id
        WHERE e.account = \(account) AND e.unit_code = \(unit) AND e.outcome = 'ahead' AND e.booking_day <= bounds.through
          AND bounds.first_day <= (coalesce((SELECT min(b.created_at) FROM transfer_batches b WHERE b.run_id = r.id), r.approved_at, r.created_at)
                                   AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
        ORDER BY e.end_to_end_id, e.booking_day, e.servicer_reference
        """
    }
}
