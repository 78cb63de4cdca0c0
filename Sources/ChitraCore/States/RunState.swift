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
    /// Every disbursement has its outcome (a transfer paid on the bank's word, cash paid or
    /// returned); the month closes on the paying account's statements (`RunClosing`).
    case paidOut = "paid_out"
    /// The month closed: every disbursement terminal, the statements in with no open break; its
    /// report is frozen.
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
        .approved: [.paidOut],
        .paidOut: [.completed],
        .completed: [],
        .failed: [.planning, .computing, .cancelled],
        .cancelled: [.planning],
    ]

    public func canBecome(_ next: RunState) -> Bool { Self.allowed[self]?.contains(next) ?? false }

    /// Approved and paying, or paid: its disbursements are approved on it (`DisbursementState.seen`).
    public var isApproved: Bool { self == .approved || self == .paidOut || self == .completed }
}
