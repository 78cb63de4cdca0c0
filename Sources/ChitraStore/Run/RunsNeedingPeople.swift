import ChitraCore
import PostgresNIO

/// The runs in the caller's scope that wait for a person, of every month, newest first: computed
/// runs to approve (with their amount), failed runs to resume or cancel, and approved runs with
/// failed transfers to decide, cash lists still with the post office, or returned cash; and paid-out
/// runs, whose month waits for the bank's statements. What the console's home page lists.
public struct RunNeedingPeople: Sendable, Hashable {
    public var runID: Int64
    public var district: String
    /// The unit's name, as the catalogue gives it.
    public var name: String
    public var period: String
    public var state: RunState
    public var triggeredBy: String
    public var lastError: String?
    /// Disbursements and their amount (a computed run's control totals).
    public var disbursements: Int
    public var amountVND: Int64
    /// Transfers failed, waiting for finance's decision (retry or cash).
    public var failedTransfers: Int
    public var failedVND: Int64
    /// Cash listed for the post office, not yet confirmed paid or returned.
    public var cashWaiting: Int
    /// Cash the post office returned.
    public var cashReturned: Int

    /// At most `limit` runs.
    public static func list(limit: Int = 500, database: Database) async throws -> [RunNeedingPeople] {
        var runs: [RunNeedingPeople] = []
        let rows = try await database.query(RunsNeedingPeopleSQL.list(limit: limit), "list the runs waiting for a person")
        for try await (id, district, name, period, state, by, error, count, amount, failed, failedAmount, cash, returned) in rows.decode(
            (Int64, String, String, String, String, String, String?, Int64, Int64, Int64, Int64, Int64, Int64).self) {
            guard let state = RunState(rawValue: state) else { continue }
            let run = RunNeedingPeople(runID: id, district: district, name: name, period: period, state: state, triggeredBy: by, lastError: error,
                                       disbursements: Int(count), amountVND: amount, failedTransfers: Int(failed), failedVND: failedAmount,
                                       cashWaiting: Int(cash), cashReturned: Int(returned))
            runs.append(run)
        }
        return runs
    }
}

/// The statement behind `RunNeedingPeople`.
enum RunsNeedingPeopleSQL {
    /// Failed transfers are found through the run's rails index; the cash of an approved run by its
    /// own disbursements (a computed or failed run's are not read at all).
    static func list(limit: Int) -> PostgresQuery {
        """
        SELECT r.id, r.unit_code, coalesce(u.name, ''), to_char(r.period, 'YYYY-MM'), r.state::text, r.triggered_by, r.last_error,
               coalesce(t.count, 0)::int8, coalesce(t.amount, 0)::int8,
               coalesce(f.count, 0)::int8, coalesce(f.amount, 0)::int8, coalesce(c.waiting, 0)::int8, coalesce(c.returned, 0)::int8
        FROM runs r
        LEFT JOIN payout_units u ON u.code = r.unit_code
        LEFT JOIN LATERAL (SELECT sum(count) AS count, sum(amount_vnd) AS amount FROM run_totals WHERE run_id = r.id) t ON true
        LEFT JOIN LATERAL (SELECT count(*) AS count, sum(amount_vnd) AS amount FROM disbursements d
                           WHERE \(unescaped: TransferSQL.transfers(ofRun: "r.id")) AND d.state = 'failed' AND r.state = 'approved') f ON true
        LEFT JOIN LATERAL (SELECT count(*) FILTER (WHERE \(unescaped: DisbursementStateSQL.seen(.cashInstructed, runApproved: "true"))) AS waiting,
                                  count(*) FILTER (WHERE d.state = 'returned') AS returned
                           FROM disbursements d WHERE d.run_id = r.id AND r.state = 'approved') c ON true
        WHERE r.state IN ('computed', 'failed', 'paid_out')
           OR (r.state = 'approved' AND (coalesce(f.count, 0) > 0 OR coalesce(c.waiting, 0) > 0 OR coalesce(c.returned, 0) > 0))
        ORDER BY r.period DESC, r.unit_code
        LIMIT \(limit)
        """
    }
}
