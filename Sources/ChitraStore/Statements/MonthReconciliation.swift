import ChitraCore
import Foundation
import PostgresNIO

/// A unit's month against its paying account's statements, as finance closes it: what Chitra
/// holds paid by bank beside what the statements debited for it, what came back after the bank's
/// acceptance (by reason), the second debits recovered, the breaks open and closed, and the
/// account's last balance.
public struct MonthReconciliation: Sendable, Hashable, Codable {
    public var unit: String
    public var period: String
    /// Bank transfers the bank accepted (ACSC): paid, settled, or returned after.
    public var paidByChitra: CountAmount
    /// Their first debits on the statements.
    public var debited: CountAmount
    /// Debited and not come back: `settled`.
    public var settled: CountAmount
    /// Accepted but not (yet) debited on any statement taken in.
    public var notYetDebited: CountAmount
    /// Money back after acceptance, by reason (AC04, MD07, reversal…).
    public var returnsByReason: [String: CountAmount]
    /// Second debits (duplicates) and those given back on recall.
    public var duplicates: CountAmount
    public var recovered: CountAmount
    /// The breaks of the month's transfers, and of the account's statements, by state and kind.
    public var breaksOpen: [String: Int]
    public var breaksClosed: Int
    /// The account's last statement taken in: its day and closing balance.
    public var lastStatementDay: String?
    public var closingVND: Int64?
    /// The month closed on the statements (its run completed).
    public var closed = false
    /// One sentence: closed, what keeps it open, or that it is not yet paid out.
    public var closing = ""

    enum CodingKeys: String, CodingKey {
        case unit, period, paidByChitra = "paid_by_chitra", debited, settled, notYetDebited = "not_yet_debited", returnsByReason = "returns_by_reason"
        case duplicates, recovered, breaksOpen = "breaks_open", breaksClosed = "breaks_closed", lastStatementDay = "last_statement_day"
        case closingVND = "closing_vnd", closed, closing
    }

    /// Paid per Chitra less what came back is what the statements debited and kept.
    public var balances: Bool { debited.amountVND - returnsByReason.values.reduce(0) { $0 + $1.amountVND } == settled.amountVND }

    /// The figures, the run's state and what keeps the month open, read in one transaction.
    public static func of(unit: String, period: Period, database: Database) async throws -> MonthReconciliation {
        try await database.transaction("reconcile \(unit) \(period)") { connection in
            var month = try await figures(unit: unit, period: period, on: connection)
            var state: RunState?
            for try await text in try await connection.send(MonthReconciliationSQL.runState(unit: unit, period: period), logger: Database.quiet)
                .decode(String.self) { state = RunState(rawValue: text) }
            month.closed = state == .completed
            if let obstacles = try await RunClosing.obstacles(unit: unit, period: period, on: connection) {
                month.closing = MonthClosing.sentence(unit: unit, period: period, obstacles)
            } else {
                month.closing = state == .completed ? MonthClosing.sentence(unit: unit, period: period, [])
                    : "The month \(period) of unit \(unit) is not paid out yet (its run is \(state?.rawValue ?? "not triggered")): it closes on the statements once every payment has its outcome."
            }
            return month
        }
    }

    private static func figures(unit: String, period: Period, on connection: PostgresConnection) async throws -> MonthReconciliation {
        var result = MonthReconciliation(unit: unit, period: period.description, paidByChitra: .zero, debited: .zero, settled: .zero,
                                         notYetDebited: .zero, returnsByReason: [:], duplicates: .zero, recovered: .zero, breaksOpen: [:],
                                         breaksClosed: 0)
        for try await (what, key, count, amount) in try await connection.send(MonthReconciliationSQL.figures(unit: unit, period: period),
                                                                             logger: Database.quiet).decode((String, String, Int64, Int64).self) {
            let cell = CountAmount(count: Int(count), amountVND: amount)
            switch what {
            case "paid": result.paidByChitra = cell
            case "debited": result.debited = cell
            case "settled": result.settled = cell
            case "undebited": result.notYetDebited = cell
            case "returned": result.returnsByReason[key] = cell
            case "duplicate": result.duplicates = cell
            case "recovered": result.recovered = cell
            case "open": result.breaksOpen[key] = Int(count)
            case "closed": result.breaksClosed += Int(count)
            default: break
            }
        }
        for try await (day, closing) in try await connection.send(MonthReconciliationSQL.lastBalance(unit: unit), logger: Database.quiet)
            .decode((String, Int64).self) {
            result.lastStatementDay = day
            result.closingVND = closing
        }
        return result
    }
}

enum MonthReconciliationSQL {
    /// One row a figure: what, its key (a reason, a kind), count, sum.
    static func figures(unit: String, period: Period) -> PostgresQuery {
        """
        WITH accepted AS (
            SELECT d.end_to_end_id, d.amount_vnd, d.state FROM runs r JOIN disbursements d ON d.run_id = r.id
            WHERE r.unit_code = \(unit) AND r.period = \(period) AND d.rail <> 'cash'
              AND (d.state IN ('paid', 'settled') OR d.state = 'returned' AND EXISTS (
                   SELECT 1 FROM statement_entries e WHERE e.end_to_end_id = d.end_to_end_id AND e.outcome = 'returned'))),
        entries AS (SELECT e.* FROM statement_entries e JOIN accepted a ON a.end_to_end_id = e.end_to_end_id WHERE e.unit_code = \(unit)),
        breaks AS (SELECT b.state, b.kind FROM statement_breaks b
                   WHERE b.unit_code = \(unit) AND (b.end_to_end_id IN (SELECT end_to_end_id FROM accepted) OR b.end_to_end_id IS NULL))
        SELECT 'paid', '', count(*), coalesce(sum(amount_vnd), 0)::int8 FROM accepted
        UNION ALL SELECT 'settled', '', count(*), coalesce(sum(amount_vnd), 0)::int8 FROM accepted WHERE state = 'settled'
        UNION ALL SELECT 'undebited', '', count(*), coalesce(sum(amount_vnd), 0)::int8 FROM accepted a
                  WHERE NOT EXISTS (SELECT 1 FROM entries e WHERE e.end_to_end_id = a.end_to_end_id AND e.direction = 'DBIT')
        UNION ALL SELECT 'debited', '', count(*), coalesce(sum(amount_vnd), 0)::int8 FROM entries
                  WHERE direction = 'DBIT' AND outcome IN ('settled', 'waiting')
        UNION ALL SELECT 'returned', coalesce(return_reason, CASE WHEN reversal THEN 'reversal' ELSE '?' END), count(*), sum(amount_vnd)::int8
                  FROM entries WHERE outcome = 'returned' GROUP BY 2
        UNION ALL SELECT 'duplicate', '', count(*), coalesce(sum(amount_vnd), 0)::int8 FROM entries e
                  WHERE e.direction = 'DBIT' AND e.outcome = 'break' AND EXISTS (
                      SELECT 1 FROM statement_breaks b WHERE b.account = e.account AND b.servicer_reference = e.servicer_reference AND b.kind = 'duplicate')
        UNION ALL SELECT 'recovered', '', count(*), coalesce(sum(amount_vnd), 0)::int8 FROM entries WHERE outcome = 'recalled'
        UNION ALL SELECT 'open', kind, count(*), 0 FROM breaks WHERE state <> 'closed' GROUP BY kind
        UNION ALL SELECT 'closed', '', count(*), 0 FROM breaks WHERE state = 'closed'
        """
    }

    static func runState(unit: String, period: Period) -> PostgresQuery {
        "SELECT state::text FROM runs WHERE unit_code = \(unit) AND period = \(period)"
    }

    static func lastBalance(unit: String) -> PostgresQuery {
        "SELECT day::text, closing_vnd FROM bank_statements WHERE unit_code = \(unit) AND kind = 'statement' ORDER BY day DESC, sequence_number DESC LIMIT 1"
    }
}
