import ChitraCore

/// Disbursement states in SQL as they are seen: approval is written on the run, not on each of its
/// disbursements (migration 33), so an approved run's `computed` transfer is approved and its
/// `computed` cash on the post office's list (`DisbursementState.seen(stored:rail:runState:)`).
enum DisbursementStateSQL {
    /// A boolean expression: disbursement `d` is in `state` as seen, `runApproved` (a boolean
    /// expression) saying that its run is approved.
    static func seen(_ state: DisbursementState, runApproved: String, alias d: String = "d") -> String {
        switch state {
        case .approved: "(\(d).state = 'approved' OR \(d).state = 'computed' AND \(d).rail <> 'cash' AND \(runApproved))"
        case .cashInstructed: "(\(d).state = 'cash_instructed' OR \(d).state = 'computed' AND \(d).rail = 'cash' AND \(runApproved))"
        default: "\(d).state = '\(state.rawValue)'"
        }
    }

    /// The state seen, a text expression, `run` being its run's state (a `run_state` expression).
    static func seenState(alias d: String = "d", run: String) -> String {
        "disbursement_state_seen(\(d).state, \(d).rail, \(run))"
    }
}
