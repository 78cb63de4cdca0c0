import ChitraCore
import PostgresNIO

/// The statements of a `compute` step: five range reads and the writes of one shard. Every read is
/// an index range scan of `[lower, upper)` on a table keyed by beneficiary first, bounded above by
/// the shard's greatest member id in the register as well (found by the unit's index, in the
/// database's own collation): the last shard of a unit has no upper bound, and the tables keyed by
/// beneficiary alone hold every unit's rows, so with 3,321 communes an open range read the rest of
/// the country's lines for each; dates come back
/// as days since 2000-01-01 (an integer subtraction). The large reads come back as one `TabText`
/// value each: decoding thousands of rows one by one cost the worker more than computing them.
enum RunShardSQL {
    static let epoch = "date '2000-01-01'"

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
    /// the scope). The copies an import kept are read after this (`copies`).
    static func reads(_ shard: RunShard, district: String, period: Period, registerImportID: Int64) -> PostgresQuery {
        """
        SELECT
        (SELECT coalesce(string_agg(beneficiary_id || E'\\t' || (eligible_from - \(unescaped: epoch)) || E'\\t'
                   || coalesce((eligible_until - \(unescaped: epoch))::text, '') || E'\\t'
                   || coalesce((deceased_on - \(unescaped: epoch))::text, '') || E'\\t'
                   || coalesce((paid_through - \(unescaped: epoch))::text, '') || E'\\t'
                   || payment_method || E'\\t' || program || E'\\t' || category, E'\\n'), '')
         FROM beneficiaries
         WHERE unit_code = \(district) AND \(period) >= eligible_from
           AND first_import_id <= \(registerImportID) AND
           beneficiary_id >= \(shard.lower) AND (\(shard.upper)::text IS NULL OR beneficiary_id < \(shard.upper))),
        (SELECT coalesce(string_agg(beneficiary_id || E'\\t' || version || E'\\t' || (valid_from - \(unescaped: epoch)) || E'\\t'
                   || program || E'\\t' || category, E'\\n' ORDER BY beneficiary_id, version), '')
         FROM beneficiary_versions
         WHERE unit_code = \(district) AND import_id <= \(registerImportID) AND
           beneficiary_id >= \(shard.lower) AND beneficiary_id <= (SELECT max(u.beneficiary_id) FROM beneficiaries u WHERE u.unit_code = \(district) AND u.beneficiary_id >= \(shard.lower)
                                       AND (\(shard.upper)::text IS NULL OR u.beneficiary_id < \(shard.upper))) AND (\(shard.upper)::text IS NULL OR beneficiary_id < \(shard.upper))),
        (SELECT coalesce(string_agg(beneficiary_id || E'\\t' || (period - \(unescaped: epoch)) || E'\\t' || state || E'\\t'
                   || pending_recovery_vnd, E'\\n' ORDER BY beneficiary_id, period), '')
         FROM (SELECT beneficiary_id, period, state, pending_recovery_vnd FROM disbursements
               WHERE unit_code = \(district) AND period < \(period) AND
                 beneficiary_id >= \(shard.lower) AND beneficiary_id <= (SELECT max(u.beneficiary_id) FROM beneficiaries u WHERE u.unit_code = \(district) AND u.beneficiary_id >= \(shard.lower)
                                     AND (\(shard.upper)::text IS NULL OR u.beneficiary_id < \(shard.upper))) AND (\(shard.upper)::text IS NULL OR beneficiary_id < \(shard.upper))
               UNION ALL
               SELECT beneficiary_id, period, state, pending_recovery_vnd
               FROM chitra_moved_in_disbursements(\(district), \(shard.lower), \(shard.upper))
               WHERE period < \(period)) AS earlier),
        (SELECT coalesce(string_agg(beneficiary_id || E'\\t' || (run_period - \(unescaped: epoch)) || E'\\t'
                   || (month - \(unescaped: epoch)) || E'\\t' || kind || E'\\t' || amount_vnd, E'\\n'), '')
         FROM (SELECT beneficiary_id, run_period, month, kind, amount_vnd FROM all_entitlement_lines
               WHERE unit_code = \(district) AND
                 beneficiary_id >= \(shard.lower) AND beneficiary_id <= (SELECT max(u.beneficiary_id) FROM beneficiaries u WHERE u.unit_code = \(district) AND u.beneficiary_id >= \(shard.lower)
                                     AND (\(shard.upper)::text IS NULL OR u.beneficiary_id < \(shard.upper))) AND (\(shard.upper)::text IS NULL OR beneficiary_id < \(shard.upper))
               UNION ALL
               SELECT beneficiary_id, run_period, month, kind, amount_vnd FROM chitra_moved_in_lines(\(district), \(shard.lower), \(shard.upper))
               WHERE run_period <> \(period)) AS lines)
        """
    }

    /// Members changed by an import after the plan, as they stood at the plan.
    static func copies(_ shard: RunShard) -> PostgresQuery {
        """
        SELECT beneficiary_id, eligible_from - \(unescaped: epoch), eligible_until - \(unescaped: epoch),
               deceased_on - \(unescaped: epoch), paid_through - \(unescaped: epoch), payment_method,
               version_numbers, ARRAY(SELECT f - \(unescaped: epoch) FROM unnest(version_from) f), version_programs,
               version_categories
        FROM run_members WHERE run_id = \(shard.runID) AND
          beneficiary_id >= \(shard.lower) AND (\(shard.upper)::text IS NULL OR beneficiary_id < \(shard.upper))
        """
    }

    /// The shard's lines in one statement (measured as fast as COPY through a temporary table in a
    /// release build, and free of the driver's COPY precondition when the server goes away).
    static func insertLines(runID: Int64, district: String, period: Period, ids: [String], months: [String],
                            kinds: [String], amounts: [Int64]) -> PostgresQuery {
        """
        INSERT INTO entitlement_lines (beneficiary_id, run_period, month, kind, amount_vnd, unit_code, run_id)
        SELECT id, \(period), (month || '-01')::date, kind, amount, \(district), \(runID)
        FROM unnest(\(ids)::text[], \(months)::text[], \(kinds)::text[], \(amounts)::int8[]) AS u(id, month, kind, amount)
        """
    }

    /// The slow way, taken only when rows are already there: the lines the tables neither hold nor
    /// imply by a disbursement (a row already there is compared afterwards, never trusted).
    static func insertMissingLines(runID: Int64, district: String, period: Period, ids: [String], months: [String],
                                   kinds: [String], amounts: [Int64]) -> PostgresQuery {
        """
        INSERT INTO entitlement_lines (beneficiary_id, run_period, month, kind, amount_vnd, unit_code, run_id)
        SELECT id, \(period), (month || '-01')::date, kind, amount, \(district), \(runID)
        FROM unnest(\(ids)::text[], \(months)::text[], \(kinds)::text[], \(amounts)::int8[]) AS u(id, month, kind, amount)
        WHERE NOT EXISTS (SELECT FROM all_entitlement_lines l WHERE l.beneficiary_id = u.id AND l.run_period = \(period)
                                                                AND l.month = (u.month || '-01')::date AND l.kind = u.kind)
        ON CONFLICT (beneficiary_id, run_period, month, kind) DO NOTHING
        """
    }

    /// The computed lines (written or implied) that the tables hold otherwise (another amount,
    /// another run's) or not at all.
    static func differingLines(runID: Int64, period: Period, ids: [String], months: [String], kinds: [String],
                               amounts: [Int64]) -> PostgresQuery {
        """
        SELECT u.id, u.month, u.kind, u.amount, l.amount_vnd, l.run_id
        FROM unnest(\(ids)::text[], \(months)::text[], \(kinds)::text[], \(amounts)::int8[]) AS u(id, month, kind, amount)
        LEFT JOIN all_entitlement_lines l ON l.beneficiary_id = u.id AND l.run_period = \(period)
                                         AND l.month = (u.month || '-01')::date AND l.kind = u.kind
        WHERE l.beneficiary_id IS NULL OR l.amount_vnd <> u.amount OR l.run_id <> \(runID)
        ORDER BY u.id LIMIT 1
        """
    }

    /// The shard's disbursements in one statement; `skippingExisting` as for the lines.
    static func insertDisbursements(runID: Int64, district: String, period: Period, ids: [String], programs: [String],
                                    amounts: [Int64], pending: [Int64], methods: [String], rails: [String],
                                    endToEndIDs: [String], linesImplied: [Bool], skippingExisting: Bool) -> PostgresQuery {
        """
        INSERT INTO disbursements (beneficiary_id, period, unit_code, run_id, program, amount_vnd, pending_recovery_vnd,
                                   method, rail, end_to_end_id, lines_implied)
        SELECT id, \(period), \(district), \(runID), program, amount, pending, method, rail, e2e, implied
        FROM unnest(\(ids)::text[], \(programs)::text[], \(amounts)::int8[], \(pending)::int8[], \(methods)::text[],
                    \(rails)::text[], \(endToEndIDs)::text[], \(linesImplied)::bool[])
             AS u(id, program, amount, pending, method, rail, e2e, implied)
        \(unescaped: skippingExisting ? "ON CONFLICT DO NOTHING" : "")
        """
    }

    /// The computed disbursements whose row differs from what was computed, or is missing (its
    /// EndToEndId held by another row: then who holds it).
    static func differingDisbursements(runID: Int64, period: Period, ids: [String], programs: [String], amounts: [Int64],
                                       pending: [Int64], methods: [String], endToEndIDs: [String]) -> PostgresQuery {
        """
        SELECT u.id, u.amount, d.amount_vnd, d.run_id,
               (SELECT h.beneficiary_id FROM disbursements h WHERE h.end_to_end_id = u.e2e)
        FROM unnest(\(ids)::text[], \(programs)::text[], \(amounts)::int8[], \(pending)::int8[], \(methods)::text[],
                    \(endToEndIDs)::text[]) AS u(id, program, amount, pending, method, e2e)
        LEFT JOIN disbursements d ON d.beneficiary_id = u.id AND d.period = \(period)
        WHERE d.beneficiary_id IS NULL OR d.amount_vnd <> u.amount OR d.pending_recovery_vnd <> u.pending OR d.method <> u.method
           OR d.program <> u.program OR d.end_to_end_id <> u.e2e OR d.run_id <> \(runID)
        ORDER BY u.id LIMIT 1
        """
    }

    /// The shard's totals, in rows of its own (the run's are their sum).
    static func insertTotals(runID: Int64, shard: Int32, district: String, programs: [String], rails: [String], counts: [Int64],
                             amounts: [Int64]) -> PostgresQuery {
        """
        INSERT INTO run_totals (run_id, shard, program, rail, unit_code, count, amount_vnd)
        SELECT \(runID), \(shard), program, rail, \(district), count, amount
        FROM unnest(\(programs)::text[], \(rails)::text[], \(counts)::int8[], \(amounts)::int8[]) AS u(program, rail, count, amount)
        """
    }
}
