/// Where a disbursement stands. The schema checks the values and refuses any change of state that
/// `DisbursementState.allowed` does not list. Every disbursement ends in exactly one terminal
/// state: `paid`, `paidCash`, `returned` or `stopped`.
public enum DisbursementState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Written by its run; removed if the run is cancelled.
    case computed
    /// Its run was approved; waits for the bank or wallet rail (cash goes on the post office's list
    /// at approval).
    case approved
    /// Sent to the bank or wallet; the answer may still be unknown.
    case submitted
    /// The bank accepted it (ACTC/ACSP); not yet credited.
    case accepted
    /// The bank holds it (PDNG).
    case pending
    /// Credited to the account or wallet (ACSC).
    case paid
    /// Rejected (RJCT) with a reason code; sent again or fallen back to cash.
    case failed
    /// On the post office's cash list.
    case cashInstructed = "cash_instructed"
    /// Paid in cash by the post office, confirmed.
    case paidCash = "paid_cash"
    /// Cash unclaimed by the deadline, or stopped by the post office.
    case returned
    /// Never to be paid (the beneficiary died before it went out, or the bank says so: MD07).
    case stopped

    public var isTerminal: Bool { Self.allowed[self]?.isEmpty ?? true }

    /// The changes of state a disbursement may make.
    public static let allowed: [DisbursementState: Set<DisbursementState>] = [
        .computed: [.approved, .cashInstructed, .stopped],
        .approved: [.submitted, .cashInstructed, .stopped],
        .submitted: [.accepted, .pending, .paid, .failed, .stopped],
        .accepted: [.pending, .paid, .failed, .stopped],
        .pending: [.paid, .failed, .stopped],
        .failed: [.submitted, .cashInstructed],
        .cashInstructed: [.paidCash, .returned],
        .paid: [],
        .paidCash: [],
        .returned: [],
        .stopped: [],
    ]

    public func canBecome(_ next: DisbursementState) -> Bool { Self.allowed[self]?.contains(next) ?? false }
}
