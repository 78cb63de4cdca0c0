import ChitraCore
import PostgresNIO

/// The statements of the cash rail.
enum CashSQL {
    /// The post office's list of a district and month: who is paid in cash, where, how much. Found
    /// through the runs of that district and month (their index), not by a scan of every district's
    /// disbursements. An approved run's cash is on the list as computed (DisbursementState.seen).
    static func list(district: String, period: Period, commune: String?) -> PostgresQuery {
        """
        SELECT d.end_to_end_id, d.beneficiary_id, b.full_name, coalesce(b.cccd, ''), b.commune_code, d.amount_vnd,
               b.recipient, coalesce(b.recipient_name, ''), d.method = 'cash_home'
        FROM runs r JOIN disbursements d ON d.run_id = r.id JOIN beneficiaries b ON b.beneficiary_id = d.beneficiary_id
        WHERE r.unit_code = \(district) AND r.period = \(period)
          AND d.unit_code = \(district) AND d.period = \(period) AND \(unescaped: DisbursementStateSQL.seen(.cashInstructed, runApproved: "r.state = 'approved'"))
          AND (\(commune)::text IS NULL OR b.commune_code = \(commune))
        ORDER BY b.commune_code, d.beneficiary_id
        """
    }
}
