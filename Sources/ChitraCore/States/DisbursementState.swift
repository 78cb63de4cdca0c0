/// Where a disbursement stands. The schema checks the values and refuses any change of state that
/// `DisbursementState.allowed` does not list. Every disbursement ends in exactly one terminal
/// state: `settled`, `paidCash`, `returned` or `stopped`. A transfer `paid` has its outcome on the
/// rails (`hasOutcome`) but is not yet terminal: the debtor account's statement settles it, or
/// brings it back (`returned`).
public enum DisbursementState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Written by its run; removed if the run is cancelled.
    case computed
    /// Its run was approved; waits for the bank or wallet rail (cash goes on the post office's list
    /// at approval). Approval is written on the run: an approved run's transfers stay `computed`
    /// where they are stored, and are seen as `approved` (`seen(stored:rail:runState:)`).
    case approved
    /// Sent to the bank or wallet; the answer may still be unknown.
    case submitted
    /// The bank accepted it (ACTC/ACSP); not yet credited.
    case accepted
    /// The bank holds it (PDNG).
    case pending
    /// Credited to the account or wallet (ACSC): the bank's word; its statement has yet to show the
    /// debit.
    case paid
    /// Debited from the paying unit's account on the bank's statement, to the đồng: the money left.
    case settled
    /// Rejected (RJCT) with a reason code; sent again or fallen back to cash.
    case failed
    /// On the post office's cash list.
    case cashInstructed = "cash_instructed"
    /// Paid in cash by the post office, confirmed.
    case paidCash = "paid_cash"
    /// Cash unclaimed by the deadline, or stopped by the post office; or a transfer the bank's
    /// statement shows coming back (AC04 closed, AC06 blocked, MD07 deceased) or reversed. Its
    /// months are owed again.
    case returned
    /// Never to be paid (the beneficiary died before it went out, or the bank says so: MD07).
    case stopped

    public var isTerminal: Bool { Self.allowed[self]?.isEmpty ?? true }

    /// Its payment has its outcome: nothing more will be sent, listed or asked. Terminal, or `paid`
    /// (only the bank's statement still moves it: settled, or returned). A run is paid out when
    /// every disbursement has its outcome, and completed when the statements close it.
    public var hasOutcome: Bool { isTerminal || self == .paid }

    /// The changes of state a disbursement may make. A disbursement stored `computed` in an approved
    /// run is approved (transfers) or on the post office's list (cash) without a write of its own,
    /// so it may also go straight where those go: into a batch, paid in cash, returned.
    public static let allowed: [DisbursementState: Set<DisbursementState>] = [
        .computed: [.approved, .cashInstructed, .stopped, .submitted, .paidCash, .returned],
        .approved: [.submitted, .cashInstructed, .stopped],
        .submitted: [.accepted, .pending, .paid, .failed, .stopped],
        .accepted: [.pending, .paid, .failed, .stopped],
        .pending: [.paid, .failed, .stopped],
        .failed: [.submitted, .cashInstructed],
        .cashInstructed: [.paidCash, .returned],
        .paid: [.settled, .returned],
        .settled: [.returned],
        .paidCash: [],
        .returned: [],
        .stopped: [],
    ]

    public func canBecome(_ next: DisbursementState) -> Bool { Self.allowed[self]?.contains(next) ?? false }

    /// `canBecome` for a disbursement on `rail`: straight from `computed` (approved on its run) a
    /// transfer goes only into a batch and cash only to the post office's answer. The schema checks
    /// both (migrations 33 and 35).
    public func canBecome(_ next: DisbursementState, rail: Rail) -> Bool {
        guard canBecome(next) else { return false }
        guard self == .computed else { return true }
        switch next {
        case .submitted: return rail != .cash
        case .paidCash, .returned: return rail == .cash
        default: return true
        }
    }

    /// The state a disbursement is in, from the state stored on its row and its run's: approval is
    /// written on the run, not on each disbursement, so an approved (paid out, completed) run's `computed`
    /// transfer is `approved` and its `computed` cash `cashInstructed`. The database's
    /// `disbursement_state_seen` says the same.
    public static func seen(stored: DisbursementState, rail: Rail, runState: RunState) -> DisbursementState {
        guard stored == .computed, runState.isApproved,
              let approved = try? DisbursementStateMachine(state: stored, attempts: 0, rail: rail).handle(.approve) else { return stored }
        return approved.next
    }
}
