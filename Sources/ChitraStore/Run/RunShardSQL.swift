import ChitraCore
import PostgresNIO

/// The statements of a `compute` step: five range reads and the writes of one shard. Every read is
/// an index range scan of `[lower, upper)` on a table keyed by beneficiary first; dates come back
/// as days since 2000-01-01 (an integer subtraction). The large reads come back as one `TabText`
/// value each: decoding thousands of rows one by one cost the worker more than computing them.
enum RunShardSQL {
    static let epoch = "date '2000-01-01'"

    /// The shard's members as the register holds them now, among those the snapshot knew, as
    /// `TabText`: id, eligible_from, eligible_until, deceased_on, paid_through (days), method,
    /// program, category.
    static func members(_ shard: RunShard, district: String, period: Period, registerImportID: Int64) -> PostgresQuery {
        """
        SELECT coalesce(string_agg(beneficiary_id || E'\\t' || (eligible_from - \(unescaped: epoch)) || E'\\t'
                   || coalesce((eligible_until - \(unescaped: epoch))::text, '') || E'\\t'
                   || coalesce((deceased_on - \(unescaped: epoch))::text, '') || E'\\t'
                   || coalesce((paid_through - \(unescaped: epoch))::text, '') || E'\\t'
                   || payment_method || E'\\t' || program || E'\\t' || category, E'\\n'), '')
        FROM beneficiaries
        WHERE district_code = \(district) AND \(RunSQL.date(period))::date >= eligible_from
          AND first_import_id <= \(registerImportID) AND
          beneficiary_id >= \(shard.lower) AND (\(shard.upper)::text IS NULL OR beneficiary_id < \(shard.upper))
        """
    }

    /// The versions of the shard's members written by imports up to the snapshot, as `TabText`:
    /// id, version, valid_from (days), program, category; by id and version.
    static func versions(_ shard: RunShard, district: String, registerImportID: Int64) -> PostgresQuery {
        """
        SELECT coalesce(string_agg(beneficiary_id || E'\\t' || version || E'\\t' || (valid_from - \(unescaped: epoch)) || E'\\t'
                   || program || E'\\t' || category, E'\\n' ORDER BY beneficiary_id, version), '')
        FROM beneficiary_versions
        WHERE district_code = \(district) AND import_id <= \(registerImportID) AND
          beneficiary_id >= \(shard.lower) AND (\(shard.upper)::text IS NULL OR beneficiary_id < \(shard.upper))
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

    /// What other runs wrote for the shard's members, as `TabText`: id, run period, month (days),
    /// kind, amount.
    static func paidLines(_ shard: RunShard, district: String, period: Period) -> PostgresQuery {
        """
        SELECT coalesce(string_agg(beneficiary_id || E'\\t' || (run_period - \(unescaped: epoch)) || E'\\t'
                   || (month - \(unescaped: epoch)) || E'\\t' || kind || E'\\t' || amount_vnd, E'\\n'), '')
        FROM entitlement_lines
        WHERE district_code = \(district) AND run_period <> \(RunSQL.date(period))::date AND
          beneficiary_id >= \(shard.lower) AND (\(shard.upper)::text IS NULL OR beneficiary_id < \(shard.upper))
        """
    }

    /// The shard's members' disbursements of other periods, as `TabText`: id, period (days),
    /// state, pending recovery; oldest first. Which were returned (their lines were not paid), and
    /// the recovery still pending after the latest.
    static func otherDisbursements(_ shard: RunShard, district: String, period: Period) -> PostgresQuery {
        """
        SELECT coalesce(string_agg(beneficiary_id || E'\\t' || (period - \(unescaped: epoch)) || E'\\t' || state || E'\\t'
                   || pending_recovery_vnd, E'\\n' ORDER BY beneficiary_id, created_at), '')
        FROM disbursements
        WHERE district_code = \(district) AND period <> \(RunSQL.date(period))::date AND
          beneficiary_id >= \(shard.lower) AND (\(shard.upper)::text IS NULL OR beneficiary_id < \(shard.upper))
        """
    }

    static let lineColumns = ["beneficiary_id", "run_period", "month", "kind", "amount_vnd", "district_code", "run_id"]
    static let disbursementColumns = ["beneficiary_id", "period", "district_code", "run_id", "program", "amount_vnd",
                                      "pending_recovery_vnd", "method", "rail", "end_to_end_id"]

    /// The slow way of the writes, taken only when a COPY meets a row already there: inserts what
    /// is missing and returns what it inserted.
    static func insertLines(runID: Int64, district: String, period: Period, ids: [String], months: [String],
                            kinds: [String], amounts: [Int64]) -> PostgresQuery {
        """
        INSERT INTO entitlement_lines (beneficiary_id, run_period, month, kind, amount_vnd, district_code, run_id)
        SELECT id, \(RunSQL.date(period))::date, (month || '-01')::date, kind, amount, \(district), \(runID)
        FROM unnest(\(ids)::text[], \(months)::text[], \(kinds)::text[], \(amounts)::int8[]) AS u(id, month, kind, amount)
        ON CONFLICT DO NOTHING
        RETURNING 1
        """
    }

    static func insertDisbursements(runID: Int64, district: String, period: Period, ids: [String], programs: [String],
                                    amounts: [Int64], pending: [Int64], methods: [String], rails: [String],
                                    endToEndIDs: [String]) -> PostgresQuery {
        """
        INSERT INTO disbursements (beneficiary_id, period, district_code, run_id, program, amount_vnd, pending_recovery_vnd,
                                   method, rail, end_to_end_id)
        SELECT id, \(RunSQL.date(period))::date, \(district), \(runID), program, amount, pending, method, rail, e2e
        FROM unnest(\(ids)::text[], \(programs)::text[], \(amounts)::int8[], \(pending)::int8[], \(methods)::text[],
                    \(rails)::text[], \(endToEndIDs)::text[]) AS u(id, program, amount, pending, method, rail, e2e)
        ON CONFLICT DO NOTHING
        RETURNING program, rail, amount_vnd
        """
    }

    /// Adds the shard's totals to the run's, in program and rail order (every shard locks the
    /// rows in the same order: no deadlock between shards).
    static func addTotals(runID: Int64, district: String, programs: [String], rails: [String], counts: [Int64],
                          amounts: [Int64]) -> PostgresQuery {
        """
        INSERT INTO run_totals (run_id, program, rail, district_code, count, amount_vnd)
        SELECT \(runID), program, rail, \(district), count, amount
        FROM unnest(\(programs)::text[], \(rails)::text[], \(counts)::int8[], \(amounts)::int8[]) AS u(program, rail, count, amount)
        ORDER BY program, rail
        ON CONFLICT (run_id, program, rail) DO UPDATE
            SET count = run_totals.count + excluded.count, amount_vnd = run_totals.amount_vnd + excluded.amount_vnd
        """
    }

    /// One shard more done; the last one moves the run on (`RunStateSQL.moveOn`).
    static func shardDone(runID: Int64, generation: Int32, members: Int) -> PostgresQuery {
        RunStateSQL.moveOn(runID: runID, set: "shards_done = shards_done + 1, members_done = members_done + \(members)",
                           stillComputing: "shards_done + 1 < shards",
                           condition: "generation = \(generation) AND state = 'computing'")
    }
}
