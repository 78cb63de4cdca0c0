import ChitraCore
import ChitraStore

/// A run's stages as an officer follows them — calculated, approved, transfers paid, cash
/// confirmed by the post office, the bank's statements reconciled, completed — each done, under way or still to come, with how far
/// it went. A computed month is not a paid one: the calculation alone never shows the run done.
struct RunStages {
    enum Status: String { case done, current, waiting, stopped }

    struct Stage {
        var key: String
        var status: Status
        /// "429 / 714", where the stage counts something.
        var done: Int?
        var total: Int?
    }

    /// The disbursements' states that belong to the bank and wallet rails, and to the post office's cash.
    static let transferStates: [DisbursementState] = [.approved, .submitted, .accepted, .pending, .failed, .paid, .settled]
    static let cashStates: [DisbursementState] = [.cashInstructed, .paidCash, .returned]

    static func of(_ state: RunState, membersDone: Int, members: Int?, byState: [String: Int]) -> [Stage] {
        func count(_ states: [DisbursementState]) -> Int { states.reduce(0) { $0 + (byState[$1.rawValue] ?? 0) } }
        let calculated: Status = switch state {
        case .planning, .computing: .current
        case .failed, .cancelled: .stopped
        case .computed, .approved, .paidOut, .completed: .done
        }
        let approved: Status = switch state {
        case .computed: .current
        case .approved, .paidOut, .completed: .done
        case .failed, .cancelled: .stopped
        case .planning, .computing: .waiting
        }
        var stages = [Stage(key: "calculated", status: calculated, done: calculated == .current ? membersDone : nil,
                            total: calculated == .current ? members : nil),
                      Stage(key: "approved", status: approved)]
        let paying = state.isApproved
        let transfers = count(transferStates), paid = count([.paid, .settled])
        if paying, transfers > 0 {
            stages.append(Stage(key: "transfers", status: paid == transfers ? .done : .current, done: paid, total: transfers))
        }
        let cash = count(cashStates), confirmed = cash - (byState[DisbursementState.cashInstructed.rawValue] ?? 0)
        if paying, cash > 0 {
            stages.append(Stage(key: "cash", status: confirmed == cash ? .done : .current, done: confirmed, total: cash))
        }
        if state == .paidOut || byState[DisbursementState.settled.rawValue] ?? 0 > 0 {
            // The month closes on the paying account's statements (`MonthClosing`): a month with a
            // transfer by bank (a wallet's is on no statement of the unit's).
            stages.append(Stage(key: "statements", status: state == .completed ? .done : state == .paidOut ? .current : .waiting))
        }
        stages.append(Stage(key: "completed", status: state == .completed ? .done : (state == .failed || state == .cancelled ? .stopped : .waiting)))
        return stages
    }
}
