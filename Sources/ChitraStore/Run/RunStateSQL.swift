import ChitraCore
import PostgresNIO

/// One named statement per change of a run's state. What the run becomes is decided by
/// `RunStateMachine` in ChitraCore; these only write it, each guarded by the state it leaves, and
/// the schema refuses any change `RunState.allowed` does not list.
enum RunStateSQL {
    /// What a run's settings say about approval when it finishes computing.
    struct ApprovalSettings {
        var autoApprove: Bool
        var approvalRequired: Bool
    }

    /// The plan recorded: snapshot, members and shards; the run computes (still `planning` when
    /// it has no members: `finishComputing` moves it on at once). No row when it is not planning.
    static func planRecorded(runID: Int64, registerImportID: Int64, members: Int, shards: Int) -> PostgresQuery {
        """
        UPDATE runs SET register_import_id = \(registerImportID), members = \(members), shards = \(shards), updated_at = now(),
                        state = (CASE WHEN \(members) > 0 THEN 'computing' ELSE state::text END)::run_state
        WHERE id = \(runID) AND state = 'planning'
        RETURNING auto_approve, (SELECT approval_required FROM payout_units WHERE code = runs.unit_code)
        """
    }

    /// One shard more done (its record moved to done in the same transaction, once). Returns the
    /// shards done and planned, and the approval settings; no row when the run is not computing
    /// under this generation (cancelled or re-triggered meanwhile).
    static func shardCounted(runID: Int64, generation: Int32, members: Int) -> PostgresQuery {
        """
        UPDATE runs SET shards_done = shards_done + 1, members_done = members_done + \(members), updated_at = now()
        WHERE id = \(runID) AND generation = \(generation) AND state = 'computing'
        RETURNING shards_done, shards, auto_approve, (SELECT approval_required FROM payout_units WHERE code = runs.unit_code)
        """
    }

    /// Every shard done: the run becomes `state` (computed, or approved at once: who approved is
    /// recorded by `RunSQL.recordApproval`), and the district counts the period as computed (an
    /// import's change without change_from then applies from the month after).
    static func finishComputing(runID: Int64, state: RunState) -> PostgresQuery {
        """
        WITH moved AS (
            UPDATE runs SET state = \(state.rawValue)::run_state, updated_at = now()
            WHERE id = \(runID) AND state IN ('planning', 'computing')
            RETURNING unit_code, period
        )
        UPDATE payout_units SET computed_through = greatest(computed_through, moved.period)
        FROM moved WHERE payout_units.code = moved.unit_code
        """
    }

    /// A step failed for good: the run says why. Only a planning or computing run of this generation.
    static func fail(runID: Int64, generation: Int32, reason: String) -> PostgresQuery {
        """
        UPDATE runs SET state = 'failed', last_error = \(reason), updated_at = now()
        WHERE id = \(runID) AND generation = \(generation) AND state IN ('planning', 'computing')
        """
    }

    /// A failed run resumed under its generation: back to `state`; its jobs get fresh unique keys.
    static func resume(runID: Int64, to state: RunState) -> PostgresQuery {
        """
        UPDATE runs SET state = \(state.rawValue)::run_state, last_error = NULL, resumes = resumes + 1, updated_at = now()
        WHERE id = \(runID) AND state = 'failed'
        RETURNING resumes, auto_approve, (SELECT approval_required FROM payout_units WHERE code = runs.unit_code)
        """
    }
}
