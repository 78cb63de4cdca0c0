import ChitraCore
import PostgresNIO

/// A shard's reads in one statement (one snapshot, one round trip), four `TabText` values:
///
/// 1. the members as the register holds them now, among those the snapshot knew: id,
///    eligible_from, eligible_until, deceased_on, paid_through (days), method, program, category;
/// 2. their versions written by imports up to the snapshot: id, version, valid_from (days),
///    program, category; by id and version;
/// 3. their disbursements of earlier periods: id, period (days), state, pending recovery; by
///    period (which were returned, and the recovery still pending after the latest one not
///    returned);
/// 4. what runs wrote for them (their lines written or implied): id, run period (days), month
///    (days), kind, amount. Lines of the run's own period are read too: normally there are none,
///    and one there means the shard's rows must be written the slow way.
///
/// Members who moved in from an abolished unit bring what its runs wrote for them
/// (`chitra_moved_in_disbursements`, `chitra_moved_in_lines`, which check that the unit is in
/// the scope). The copies an import kept are read after this (`RunShardSQL.copies`).
///
/// A prepared statement: each of a country's 3,321 communes sends it once a month, and as an
/// unnamed statement it was parsed and planned each time (6 s of the database's time in a national
/// million's compute, `ops/bench/results/run.md`); prepared, each connection parses it once
/// (PostgreSQL still plans it with its parameters: its generic plan is costed higher). Every read is
/// an index range scan of `[$4, $5)` (`$5` null: no upper bound), the tables keyed by beneficiary
/// alone bounded above by the shard's greatest member id in the register (`bound`, found once by the
/// unit's index, in the database's own collation); dates come back as days since 2000-01-01.
struct RunShardReads: PostgresPreparedStatement {
    typealias Row = (String, String, String, String)

    static let sql = #"""
        WITH bound AS (SELECT max(beneficiary_id) AS last FROM beneficiaries
                       WHERE unit_code = $1 AND beneficiary_id >= $4 AND ($5::text IS NULL OR beneficiary_id < $5))
        SELECT
        (SELECT coalesce(string_agg(beneficiary_id || E'\t' || (eligible_from - date '2000-01-01') || E'\t'
                   || coalesce((eligible_until - date '2000-01-01')::text, '') || E'\t'
                   || coalesce((deceased_on - date '2000-01-01')::text, '') || E'\t'
                   || coalesce((paid_through - date '2000-01-01')::text, '') || E'\t'
                   || payment_method || E'\t' || program || E'\t' || category, E'\n'), '')
         FROM beneficiaries
         WHERE unit_code = $1 AND $2 >= eligible_from AND first_import_id <= $3
           AND beneficiary_id >= $4 AND ($5::text IS NULL OR beneficiary_id < $5)),
        (SELECT coalesce(string_agg(beneficiary_id || E'\t' || version || E'\t' || (valid_from - date '2000-01-01') || E'\t'
                   || program || E'\t' || category, E'\n' ORDER BY beneficiary_id, version), '')
         FROM beneficiary_versions
         WHERE unit_code = $1 AND import_id <= $3 AND beneficiary_id >= $4
           AND beneficiary_id <= (SELECT last FROM bound)
           AND ($5::text IS NULL OR beneficiary_id < $5)),
        (SELECT coalesce(string_agg(beneficiary_id || E'\t' || (period - date '2000-01-01') || E'\t' || state || E'\t'
                   || pending_recovery_vnd, E'\n' ORDER BY beneficiary_id, period), '')
         FROM (SELECT beneficiary_id, period, state, pending_recovery_vnd FROM disbursements
               WHERE unit_code = $1 AND period < $2 AND beneficiary_id >= $4
                 AND beneficiary_id <= (SELECT last FROM bound)
                 AND ($5::text IS NULL OR beneficiary_id < $5)
               UNION ALL
               SELECT beneficiary_id, period, state, pending_recovery_vnd FROM chitra_moved_in_disbursements($1, $4, $5)
               WHERE period < $2) AS earlier),
        (SELECT coalesce(string_agg(beneficiary_id || E'\t' || (run_period - date '2000-01-01') || E'\t'
                   || (month - date '2000-01-01') || E'\t' || kind || E'\t' || amount_vnd, E'\n'), '')
         FROM (SELECT beneficiary_id, run_period, month, kind, amount_vnd FROM all_entitlement_lines
               WHERE unit_code = $1 AND beneficiary_id >= $4
                 AND beneficiary_id <= (SELECT last FROM bound)
                 AND ($5::text IS NULL OR beneficiary_id < $5)
               UNION ALL
               SELECT beneficiary_id, run_period, month, kind, amount_vnd FROM chitra_moved_in_lines($1, $4, $5)
               WHERE run_period <> $2) AS lines)
        """#

    static let bindingDataTypes: [PostgresDataType] = [.text, .date, .int8, .text, .text]

    var unit: String
    var period: Period
    var registerImportID: Int64
    var lower: String
    var upper: String?

    init(_ shard: RunShard, unit: String, period: Period, registerImportID: Int64) {
        self.unit = unit
        self.period = period
        self.registerImportID = registerImportID
        lower = shard.lower
        upper = shard.upper
    }

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 5)
        bindings.append(unit)
        bindings.append(period)
        bindings.append(registerImportID)
        bindings.append(lower)
        bindings.append(upper)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try row.decode(Row.self)
    }
}
