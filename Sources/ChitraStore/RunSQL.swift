import ChitraCore
import PostgresNIO

/// The statements of the monthly run.
enum RunSQL {
    static func date(_ period: Period) -> String { "\(period)-01" }

    static func districtsWithRegister() -> PostgresQuery {
        "SELECT code FROM districts d WHERE EXISTS (SELECT 1 FROM beneficiaries b WHERE b.district_code = d.code) ORDER BY code"
    }

    static func insertRun(district: String, period: Period, by: String, autoApprove: Bool) -> PostgresQuery {
        """
        INSERT INTO runs (district_code, period, triggered_by, auto_approve)
        VALUES (\(district), \(date(period))::date, \(by), \(autoApprove))
        ON CONFLICT (district_code, period) DO NOTHING
        RETURNING id, generation
        """
    }

    /// The run of a district and month, locked for a change of state.
    static func existingRun(district: String, period: Period) -> PostgresQuery {
        """
        SELECT id, generation, state::text, triggered_by FROM runs
        WHERE district_code = \(district) AND period = \(date(period))::date FOR UPDATE
        """
    }

    /// A run found by `existingRun`.
    struct ExistingRun {
        var id: Int64
        var generation: Int32
        var state: String
        var triggeredBy: String
    }

    static func lockExisting(district: String, period: Period, on connection: PostgresConnection) async throws -> ExistingRun? {
        let rows = try await connection.query(existingRun(district: district, period: period), logger: Database.quiet)
        for try await (id, generation, state, by) in rows.decode((Int64, Int32, String, String).self) {
            return ExistingRun(id: id, generation: generation, state: state, triggeredBy: by)
        }
        return nil
    }

    static func approve(runID: Int64, by approver: String) -> PostgresQuery {
        "UPDATE runs SET state = 'approved', approved_by = \(approver), approved_at = now(), updated_at = now() WHERE id = \(runID)"
    }

    /// Approved disbursements wait in `approved` for the rails.
    static func approveDisbursements(runID: Int64) -> PostgresQuery {
        "UPDATE disbursements SET state = 'approved' WHERE run_id = \(runID) AND state = 'computed'"
    }

    /// Count and sum of a run's disbursements by the program of the member's last version and rail.
    static func controlTotals(runID: Int64) -> PostgresQuery {
        """
        SELECT m.version_programs[array_upper(m.version_programs, 1)], d.rail, count(*), sum(d.amount_vnd)::int8
        FROM disbursements d JOIN run_members m ON m.run_id = d.run_id AND m.beneficiary_id = d.beneficiary_id
        WHERE d.run_id = \(runID) GROUP BY 1, 2
        """
    }

    /// Cancelling: what an unapproved run wrote goes, its waiting jobs are cancelled, it is marked.
    static func cancelStatements(runID: Int64, district: String) -> [PostgresQuery] {
        [
            "DELETE FROM entitlement_lines WHERE run_id = \(runID)",
            "DELETE FROM run_members WHERE run_id = \(runID)",
            """
            UPDATE jobs SET state = 'cancelled', finalized_at = now(), last_error = 'the run was cancelled'
            WHERE kind IN ('plan', 'compute') AND district_code = \(district) AND state IN ('available', 'retryable')
              AND (args->>'runID')::bigint = \(runID)
            """,
            "UPDATE runs SET state = 'cancelled', updated_at = now() WHERE id = \(runID)",
        ]
    }

    static func removeUnapprovedDisbursements(runID: Int64) -> PostgresQuery {
        """
        WITH gone AS (DELETE FROM disbursements WHERE run_id = \(runID) AND state = 'computed' RETURNING 1)
        SELECT count(*) FROM gone
        """
    }

    static func markFailed(runID: Int64, generation: Int32, reason: String) -> PostgresQuery {
        """
        UPDATE runs SET state = 'failed', last_error = \(reason), updated_at = now()
        WHERE id = \(runID) AND generation = \(generation) AND state IN ('planning', 'computing')
        """
    }

    /// A cancelled run triggered again starts afresh under a new generation.
    static func restartRun(id: Int64, by: String, autoApprove: Bool) -> PostgresQuery {
        """
        UPDATE runs SET state = 'planning', generation = generation + 1, triggered_by = \(by), auto_approve = \(autoApprove),
                        approved_by = NULL, approved_at = NULL, members = NULL, shards = NULL, shards_done = 0,
                        last_error = NULL, updated_at = now()
        WHERE id = \(id) RETURNING generation
        """
    }

    /// The run a job works on, if it is still in `state` and of `generation`. Locked for the plan
    /// (one job); not for compute jobs, which run side by side and meet only in `shardDone`.
    static func run(id: Int64, generation: Int32, state: String, locked: Bool) -> PostgresQuery {
        """
        SELECT district_code, to_char(period, 'YYYY-MM')
        FROM runs WHERE id = \(id) AND generation = \(generation) AND state = \(state)::run_state
        \(unescaped: locked ? "FOR UPDATE" : "")
        """
    }

    /// The snapshot: every beneficiary of the district entitled from the period or earlier, with
    /// its versions (the implicit version 1 when it never changed), split into shards.
    static func snapshot(runID: Int64, district: String, period: Period, shardSize: Int) -> PostgresQuery {
        """
        INSERT INTO run_members (run_id, beneficiary_id, district_code, shard, eligible_from, eligible_until, deceased_on,
                                 paid_through, payment_method, version_numbers, version_from, version_programs, version_categories)
        SELECT \(runID), b.beneficiary_id, b.district_code, ((row_number() OVER (ORDER BY b.beneficiary_id)) - 1) / \(shardSize),
               b.eligible_from, b.eligible_until, b.deceased_on, b.paid_through, b.payment_method,
               coalesce(v.numbers, ARRAY[1]), coalesce(v.froms, ARRAY[b.eligible_from]),
               coalesce(v.programs, ARRAY[b.program]), coalesce(v.categories, ARRAY[b.category])
        FROM beneficiaries b
        LEFT JOIN (
            -- Only people who changed have version rows: aggregate those once, not a lookup per person.
            SELECT beneficiary_id, array_agg(version ORDER BY version) AS numbers, array_agg(valid_from ORDER BY version) AS froms,
                   array_agg(program ORDER BY version) AS programs, array_agg(category ORDER BY version) AS categories
            FROM beneficiary_versions WHERE district_code = \(district) GROUP BY beneficiary_id
        ) v USING (beneficiary_id)
        WHERE b.district_code = \(district) AND b.eligible_from <= \(date(period))::date
        """
    }

    static func planned(runID: Int64) -> PostgresQuery {
        """
        UPDATE runs SET members = s.members, shards = s.shards,
                        state = (CASE WHEN s.members = 0 THEN 'computed' ELSE 'computing' END)::run_state, updated_at = now()
        FROM (SELECT count(*)::int AS members, coalesce(max(shard) + 1, 0)::int AS shards FROM run_members WHERE run_id = \(runID)) s
        WHERE id = \(runID) RETURNING s.members, s.shards
        """
    }

    static func members(runID: Int64, shard: Int32) -> PostgresQuery {
        """
        SELECT beneficiary_id, to_char(eligible_from, 'YYYY-MM'), to_char(eligible_until, 'YYYY-MM'),
               to_char(deceased_on, 'YYYY-MM-DD'), to_char(paid_through, 'YYYY-MM'), payment_method,
               version_numbers, ARRAY(SELECT to_char(f, 'YYYY-MM') FROM unnest(version_from) f), version_programs, version_categories
        FROM run_members WHERE run_id = \(runID) AND shard = \(shard) ORDER BY beneficiary_id
        """
    }

    /// What other runs paid the shard's members, by month and kind (returned disbursements count as unpaid).
    static func history(runID: Int64, shard: Int32, period: Period) -> PostgresQuery {
        """
        SELECT l.beneficiary_id, to_char(l.month, 'YYYY-MM'), l.kind, sum(l.amount_vnd)::int8
        FROM entitlement_lines l
        JOIN run_members m ON m.beneficiary_id = l.beneficiary_id AND m.run_id = \(runID) AND m.shard = \(shard)
        LEFT JOIN disbursements d ON d.beneficiary_id = l.beneficiary_id AND d.period = l.run_period
        WHERE l.run_period <> \(date(period))::date AND coalesce(d.state, '') <> 'returned'
        GROUP BY 1, 2, 3
        """
    }

    /// The recovery still pending after each member's latest other disbursement.
    static func pendingRecoveries(runID: Int64, shard: Int32, period: Period) -> PostgresQuery {
        """
        SELECT DISTINCT ON (d.beneficiary_id) d.beneficiary_id, d.pending_recovery_vnd
        FROM disbursements d
        JOIN run_members m ON m.beneficiary_id = d.beneficiary_id AND m.run_id = \(runID) AND m.shard = \(shard)
        WHERE d.period <> \(date(period))::date
        ORDER BY d.beneficiary_id, d.created_at DESC, d.id DESC
        """
    }

    static func insertLines(runID: Int64, district: String, period: Period, ids: [String], months: [String],
                            kinds: [String], amounts: [Int64]) -> PostgresQuery {
        """
        INSERT INTO entitlement_lines (beneficiary_id, run_period, month, kind, amount_vnd, district_code, run_id)
        SELECT id, \(date(period))::date, (month || '-01')::date, kind, amount, \(district), \(runID)
        FROM unnest(\(ids)::text[], \(months)::text[], \(kinds)::text[], \(amounts)::int8[]) AS u(id, month, kind, amount)
        ON CONFLICT DO NOTHING
        """
    }

    static func insertDisbursements(runID: Int64, district: String, period: Period, ids: [String], amounts: [Int64],
                                    pending: [Int64], methods: [String], rails: [String], endToEndIDs: [String]) -> PostgresQuery {
        """
        INSERT INTO disbursements (beneficiary_id, period, district_code, run_id, amount_vnd, pending_recovery_vnd, method,
                                   rail, end_to_end_id)
        SELECT id, \(date(period))::date, \(district), \(runID), amount, pending, method, rail, e2e
        FROM unnest(\(ids)::text[], \(amounts)::int8[], \(pending)::int8[], \(methods)::text[], \(rails)::text[],
                    \(endToEndIDs)::text[]) AS u(id, amount, pending, method, rail, e2e)
        ON CONFLICT (beneficiary_id, period) DO NOTHING
        """
    }

    /// One shard more done; the last one moves the run on: approved at once when approval is
    /// off or auto-approve was asked, computed otherwise.
    static func shardDone(runID: Int64, generation: Int32) -> PostgresQuery {
        """
        UPDATE runs SET shards_done = shards_done + 1, updated_at = now(),
            state = (CASE WHEN shards_done + 1 < shards THEN 'computing'
                          WHEN auto_approve OR NOT (SELECT approval_required FROM districts WHERE code = runs.district_code)
                          THEN 'approved' ELSE 'computed' END)::run_state,
            approved_by = CASE WHEN shards_done + 1 >= shards AND auto_approve THEN 'auto-approve' ELSE approved_by END,
            approved_at = CASE WHEN shards_done + 1 >= shards AND auto_approve THEN now() ELSE approved_at END
        WHERE id = \(runID) AND generation = \(generation) AND state = 'computing' RETURNING state::text
        """
    }
}
