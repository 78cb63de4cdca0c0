import ChitraCore
import PostgresNIO

/// The statements of the monthly run.
enum RunSQL {
    static func unitsWithRegister(paying period: Period) -> PostgresQuery {
        """
        SELECT code FROM payout_units d
        WHERE d.months @> \(period)
          AND EXISTS (SELECT 1 FROM beneficiaries b WHERE b.unit_code = d.code)
        ORDER BY code
        """
    }

    /// The runs of `units` for `period` that had none yet, in one statement, with the token behind
    /// their trigger (maker–checker compares people; the token says which): the unit, id and
    /// generation of each run inserted. A unit with a run already is left to `existingRun`.
    static func insertRuns(units: [String], period: Period, by: String, token: Int64?, autoApprove: Bool,
                           forced: Bool) -> PostgresQuery {
        """
        INSERT INTO runs (unit_code, period, triggered_by, triggered_by_token, auto_approve, period_forced)
        SELECT u, \(period), \(by), \(token), \(autoApprove), \(forced) FROM unnest(\(units)::text[]) WITH ORDINALITY AS t(u, n) ORDER BY n
        ON CONFLICT (unit_code, period) DO NOTHING
        RETURNING unit_code, id, generation
        """
    }

    /// The token behind the trigger of runs triggered again.
    static func recordTrigger(runIDs: [Int64], token: Int64?) -> PostgresQuery {
        "UPDATE runs SET triggered_by_token = \(token) WHERE id = ANY (\(runIDs)::int8[])"
    }


    /// The run of a district and month, locked for a change of state.
    static func existingRun(district: String, period: Period) -> PostgresQuery {
        """
        SELECT id, generation, state::text, triggered_by, shards, resumes FROM runs
        WHERE unit_code = \(district) AND period = \(period) FOR UPDATE
        """
    }

    /// A run found by `existingRun`.
    struct ExistingRun {
        var id: Int64
        var generation: Int32
        var state: RunState
        var triggeredBy: String
        var shards: Int32?
        var resumes: Int32
    }

    static func lockExisting(district: String, period: Period, on connection: PostgresConnection) async throws -> ExistingRun? {
        let rows = try await connection.send(existingRun(district: district, period: period), logger: Database.quiet)
        for try await (id, generation, state, by, shards, resumes) in rows.decode((Int64, Int32, String, String, Int32?, Int32).self) {
            guard let state = RunState(rawValue: state) else { throw StoreError.query(sqlState: nil, message: "run \(id) is in an unknown state \(state)", context: "read run \(id)") }
            return ExistingRun(id: id, generation: generation, state: state, triggeredBy: by, shards: shards, resumes: resumes)
        }
        return nil
    }

    static func approve(runID: Int64) -> PostgresQuery {
        "UPDATE runs SET state = 'approved', updated_at = now() WHERE id = \(runID)"
    }

    /// Who approved, through the database's function (migration 29): under a finance officer's
    /// token, that officer (not the one who triggered the run), with their token; under a worker's
    /// lease, the rule `by` names.
    static func recordApproval(runID: Int64, by: String) -> PostgresQuery {
        "SELECT chitra_record_approval(\(runID), \(by))"
    }

    /// Cancelling: what an unapproved run wrote goes, its waiting jobs are cancelled, it is marked.
    static func cancelStatements(runID: Int64, district: String) -> [PostgresQuery] {
        [
            "DELETE FROM run_members WHERE run_id = \(runID)",
            "DELETE FROM run_totals WHERE run_id = \(runID)",
            RunShardRecordSQL.remove(runID: runID),
            """
            UPDATE jobs SET state = 'cancelled', finalized_at = now(), last_error = 'the run was cancelled'
            WHERE kind = ANY (\(JobKind.computing)) AND unit_code = \(district) AND state IN ('available', 'retryable')
              AND (args->>'runID')::bigint = \(runID)
            """,
            "UPDATE runs SET state = 'cancelled', updated_at = now() WHERE id = \(runID)",
            // The district's last computed month is again that of its last run still standing.
            """
            UPDATE payout_units SET computed_through = (
                SELECT max(period) FROM runs WHERE unit_code = \(district) AND state IN ('computed', 'approved', 'paid_out', 'completed'))
            WHERE code = \(district)
            """,
        ]
    }

    /// A run's lines, found through its disbursements (written with them, shard by shard): index
    /// lookups on both keys, not a scan of every line of every month.
    static func removeLines(runID: Int64) -> PostgresQuery {
        """
        DELETE FROM entitlement_lines l USING disbursements d
        WHERE d.run_id = \(runID) AND l.beneficiary_id = d.beneficiary_id AND l.run_period = d.period AND l.run_id = \(runID)
        """
    }

    static func removeUnapprovedDisbursements(runID: Int64) -> PostgresQuery {
        """
        WITH gone AS (DELETE FROM disbursements WHERE run_id = \(runID) AND state = 'computed' RETURNING 1)
        SELECT count(*) FROM gone
        """
    }

    /// A cancelled run triggered again starts afresh under a new generation.
    static func restartRun(id: Int64, by: String, autoApprove: Bool, forced: Bool) -> PostgresQuery {
        """
        UPDATE runs SET state = 'planning', generation = generation + 1, triggered_by = \(by), auto_approve = \(autoApprove),
                        period_forced = \(forced),
                        register_import_id = NULL, members = NULL, members_done = 0,
                        shards = NULL, shards_done = 0, resumes = 0,
                        last_error = NULL, updated_at = now()
        WHERE id = \(id) RETURNING generation
        """
    }

    /// Which step of a run a job is: the plan (the run planning, locked for update: `PlanningRun`)
    /// or a compute job (the run computing, held in key share: `ComputingRun`).
    enum Step {
        case plan, compute
    }

    /// A run a job works on: unit, period and the register import of its snapshot.
    struct JobRun {
        var district: String
        var period: Period
        var registerImportID: Int64
    }

    static func jobRun(id: Int64, generation: Int32, step: Step, on connection: PostgresConnection) async throws -> JobRun? {
        let row = switch step {
        case .plan: try await connection.first(PlanningRun(runID: id, generation: generation))
        case .compute: try await connection.first(ComputingRun(runID: id, generation: generation))
        }
        guard let (district, period, importID) = row, let period = Period(period) else { return nil }
        return JobRun(district: district, period: period, registerImportID: importID)
    }

    /// A run's control totals by program and rail: the sum of what its shards recorded.
    static func controlTotals(runID: Int64) -> PostgresQuery {
        """
        SELECT program, rail, sum(count)::int8, sum(amount_vnd)::int8 FROM run_totals WHERE run_id = \(runID)
        GROUP BY program, rail ORDER BY program, rail
        """
    }

    /// The same, counted from the run's disbursements: approval checks that both agree.
    static func disbursementTotals(runID: Int64) -> PostgresQuery {
        "SELECT program, rail, count(*), sum(amount_vnd)::int8 FROM disbursements WHERE run_id = \(runID) GROUP BY 1, 2 ORDER BY 1, 2"
    }
}
