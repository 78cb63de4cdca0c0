/// The monthly run's state machine: a value that, given what happened, says what the run becomes
/// and what to do, or refuses with a sentence. No I/O: the store writes what it returns, one
/// guarded statement per transition.
public struct RunStateMachine: Sendable, Hashable {
    public var state: RunState

    public init(_ state: RunState) { self.state = state }

    /// Why a transition was refused.
    public enum Refusal: Error, Sendable, Hashable {
        case cannotCancel(RunState)
        case cannotResume(RunState)
        case cannotApprove(RunState)
        case alreadyTriggered(RunState)
    }

    /// What the run becomes when it has finished computing (the last shard, or a plan with no members).
    public enum Finished: Sendable, Hashable {
        case computed
        /// Approved at once; `by` is recorded as the approver.
        case approved(by: String)

        public var state: RunState {
            switch self {
            case .computed: .computed
            case .approved: .approved
            }
        }
    }

    /// A run that finished computing: approved at once when auto-approve was asked or the district
    /// turned approval off, otherwise computed and waiting for finance.
    public static func finished(autoApprove: Bool, approvalRequired: Bool) -> Finished {
        if autoApprove { return .approved(by: "auto-approve") }
        if !approvalRequired { return .approved(by: "approval off") }
        return .computed
    }

    /// Cancel: a run not yet approved (a failed one included) loses what it wrote.
    public func cancel() throws(Refusal) -> RunState {
        guard state.canBecome(.cancelled) else { throw .cannotCancel(state) }
        return .cancelled
    }

    /// What a resumed run does.
    public enum Resume: Sendable, Hashable {
        /// It failed before its plan was recorded: plan again.
        case plan
        /// It failed while computing: enqueue the shards not done, keeping those that committed.
        case computeRemainingShards
    }

    /// Resume a failed run, under the same generation.
    public func resume(planRecorded: Bool) throws(Refusal) -> (next: RunState, action: Resume) {
        guard state == .failed else { throw .cannotResume(state) }
        return planRecorded ? (.computing, .computeRemainingShards) : (.planning, .plan)
    }

    /// Finance approves a computed run.
    public func approve() throws(Refusal) -> RunState {
        guard state == .computed else { throw .cannotApprove(state) }
        return .approved
    }

    /// Triggering a run that exists: only a cancelled one starts again (a new generation).
    public func triggerAgain() throws(Refusal) -> RunState {
        guard state == .cancelled else { throw .alreadyTriggered(state) }
        return .planning
    }
}
