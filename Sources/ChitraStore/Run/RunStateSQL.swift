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
