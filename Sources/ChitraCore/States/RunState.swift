/// Where a monthly run stands. The schema's `run_state` type holds the same values and a trigger
/// refuses any change of state that `RunState.allowed` does not list.
public enum RunState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Recorded; its plan job splits the members into shards.
    case planning
    /// Shards computing; the last one moves the run on.
    case computing
    /// Every shard done; waits for finance's approval.
    case computed
    /// Approved (by finance, auto-approve, or the district's approval off); the rails pay it.
    case approved
    /// Every disbursement terminal; its report is frozen.
    case completed
    /// A step failed for good; `chitra run resume` or `chitra run cancel` gets it going again.
    case failed
    /// Cancelled before approval; triggering it again computes afresh under a new generation.
    case cancelled

    /// The changes of state the run may make.
    public static let allowed: [RunState: Set<RunState>] = [
        .planning: [.computing, .computed, .approved, .failed, .cancelled],
        .computing: [.computed, .approved, .failed, .cancelled],
        .computed: [.approved, .cancelled],
        .approved: [.completed],
        .completed: [],
        .failed: [.planning, .computing, .cancelled],
        .cancelled: [.planning],
    ]

    public func canBecome(_ next: RunState) -> Bool { Self.allowed[self]?.contains(next) ?? false }
}
