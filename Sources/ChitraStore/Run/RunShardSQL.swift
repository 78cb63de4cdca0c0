import ChitraCore
import PostgresNIO

/// The statements of a `compute` step after its reads (`RunShardReads`): the copies an import kept,
/// and the writes of one shard. Dates come back as days since 2000-01-01 (an integer subtraction).
enum RunShardSQL {
    static let epoch = "date '2000-01-01'"

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
