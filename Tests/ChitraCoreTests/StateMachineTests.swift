import ChitraCore
import Testing

@Suite("Run and disbursement state machines")
struct StateMachineTests {
    @Test("a run can be cancelled before approval, failed ones included; resumed only when failed")
    func run() throws {
        for state in RunState.allCases {
            let machine = RunStateMachine(state)
            let cancellable: Set<RunState> = [.planning, .computing, .computed, .failed]
            #expect((try? machine.cancel()) == (cancellable.contains(state) ? .cancelled : nil), "\(state)")
            #expect((try? machine.resume(planRecorded: true)) == nil || state == .failed)
        }
        #expect(try RunStateMachine(.failed).resume(planRecorded: false) == (.planning, .plan))
        #expect(try RunStateMachine(.failed).resume(planRecorded: true) == (.computing, .computeRemainingShards))
        #expect(RunStateMachine.finished(autoApprove: false, approvalRequired: true) == .computed)
        #expect(RunStateMachine.finished(autoApprove: false, approvalRequired: false) == .approved(by: "approval off"))
        #expect(RunStateMachine.finished(autoApprove: true, approvalRequired: true) == .approved(by: "auto-approve"))
        #expect(throws: RunStateMachine.Refusal.cannotApprove(.computing)) { try RunStateMachine(.computing).approve() }
        #expect(throws: RunStateMachine.Refusal.alreadyTriggered(.failed)) { try RunStateMachine(.failed).triggerAgain() }
    }

    @Test("every state a machine returns is one the run's table allows")
    func runTransitionsAllowed() throws {
        for state in RunState.allCases {
            let machine = RunStateMachine(state)
            if let next = try? machine.cancel() { #expect(state.canBecome(next)) }
            if let next = try? machine.resume(planRecorded: true).next { #expect(state.canBecome(next)) }
            if let next = try? machine.resume(planRecorded: false).next { #expect(state.canBecome(next)) }
            if let next = try? machine.approve() { #expect(state.canBecome(next)) }
            if let next = try? machine.triggerAgain() { #expect(state.canBecome(next)) }
        }
    }

    static let events: [DisbursementStateMachine.Event] = [
        .approve, .send, .retryRequested, .fallBackRequested(reason: "AC04"), .cashConfirmed, .cashReturned, .stop,
        .answered(.accepted), .answered(.pending), .answered(.paid), .answered(.unknown), .answered(.neverArrived),
        .answered(.rejected(reason: "AC04", retryable: false)), .answered(.rejected(reason: "TM01", retryable: true)),
        .answered(.beneficiaryDeceased), .debited, .returnedByBank(reason: "AC04"),
    ]

    @Test("approval is the run's: a computed disbursement of an approved, paid-out or completed run is seen approved, or on the cash list")
    func seenState() {
        for run in RunState.allCases {
            for rail in Rail.allCases {
                let approved = [RunState.approved, .paidOut, .completed].contains(run)
                let seen = DisbursementState.seen(stored: .computed, rail: rail, runState: run)
                #expect(seen == (approved ? (rail == .cash ? .cashInstructed : .approved) : .computed), "\(run) \(rail)")
                if approved {
                    // Where the approved state goes, its stored `computed` may go too, and nowhere else new.
                    #expect(DisbursementState.computed.canBecome(rail == .cash ? .paidCash : .submitted))
                }
                for stored in DisbursementState.allCases where stored != .computed {
                    #expect(DisbursementState.seen(stored: stored, rail: rail, runState: run) == stored)
                }
            }
        }
        let straight = DisbursementState.allowed[.computed, default: []].subtracting([.approved, .cashInstructed])
        let throughApproval = DisbursementState.allowed[.approved, default: []].union(DisbursementState.allowed[.cashInstructed, default: []])
        #expect(straight.isSubset(of: throughApproval))
    }

    @Test("every transition the disbursement machine makes is in the allowed table; terminal states take nothing")
    func disbursementTransitionsAllowed() {
        for state in DisbursementState.allCases {
            for rail in Rail.allCases {
                for attempts in [1, DisbursementStateMachine.maximumAttempts] {
                    let machine = DisbursementStateMachine(state: state, attempts: attempts, rail: rail)
                    for event in Self.events {
                        guard let (next, _) = try? machine.handle(event) else { continue }
                        #expect(next == state || state.canBecome(next, rail: rail), "\(state) + \(event) → \(next) (\(rail))")
                        #expect(!state.isTerminal, "\(state) is terminal but took \(event)")
                    }
                }
            }
        }
    }

    @Test("an unknown outcome is asked about, never resent and never fallen back to cash")
    func unknownOutcome() throws {
        for state in [DisbursementState.submitted, .accepted, .pending] {
            let (next, action) = try DisbursementStateMachine(state: state, attempts: 5, rail: .bank).handle(.answered(.unknown))
            #expect(next == state && action == .inquire)
        }
        let (next, action) = try DisbursementStateMachine(state: .submitted, attempts: 1, rail: .bank).handle(.answered(.neverArrived))
        #expect(next == .submitted && action == .send(after: .zero))
    }

    @Test("a temporary rejection is sent again with backoff until the limit, then waits for finance; a permanent one falls back at once")
    func rejections() throws {
        let retry = RetryPolicy(base: .seconds(1), cap: .seconds(60), jitter: 0)
        var result = try DisbursementStateMachine(state: .submitted, attempts: 2, rail: .bank)
            .handle(.answered(.rejected(reason: "TM01", retryable: true)), retry: retry)
        #expect(result.next == .failed && result.action == .send(after: .seconds(2)))
        result = try DisbursementStateMachine(state: .submitted, attempts: DisbursementStateMachine.maximumAttempts, rail: .bank)
            .handle(.answered(.rejected(reason: "TM01", retryable: true)))
        #expect(result.next == .failed && result.action == .waitForFinance)
        result = try DisbursementStateMachine(state: .submitted, attempts: 1, rail: .wallet)
            .handle(.answered(.rejected(reason: "AC04", retryable: false)))
        #expect(result.action == .fallBackToCash(reason: "AC04"))
        result = try DisbursementStateMachine(state: .failed, attempts: 1, rail: .bank).handle(.fallBackRequested(reason: "AC04"))
        #expect(result.next == .cashInstructed)
    }

    @Test("a bank reporting the beneficiary deceased (MD07) stops payment and tells the Labour office")
    func deceased() throws {
        for state in [DisbursementState.submitted, .accepted, .pending] {
            let (next, action) = try DisbursementStateMachine(state: state, attempts: 1, rail: .bank).handle(.answered(.beneficiaryDeceased))
            #expect(next == .stopped && action == .reportDeceased)
        }
    }

    @Test("approving cash lists it for the post office, approving a transfer leaves it for the rails; cash closes as paid in cash or returned")
    func cash() throws {
        #expect(try DisbursementStateMachine(state: .computed, attempts: 0, rail: .cash).handle(.approve) == (.cashInstructed, .none))
        for rail in [Rail.bank, .wallet] {
            #expect(try DisbursementStateMachine(state: .computed, attempts: 0, rail: rail).handle(.approve) == (.approved, .none))
        }
        // Cash a run approved before approval listed it is listed by the submit step.
        let listed = try DisbursementStateMachine(state: .approved, attempts: 0, rail: .cash).handle(.send)
        #expect(listed.next == .cashInstructed && listed.action == .none)
        let machine = DisbursementStateMachine(state: .cashInstructed, attempts: 0, rail: .cash)
        #expect(try machine.handle(.cashConfirmed).next == .paidCash)
        #expect(try machine.handle(.cashReturned).next == .returned)
        #expect(throws: DisbursementStateMachine.Refusal.self) { try DisbursementStateMachine(state: .paid, attempts: 1, rail: .bank).handle(.send) }
    }
}

@Suite("Banking days")
struct BankingDayTests {
    @Test("weekdays are banking days; counting back skips Saturdays and Sundays")
    func countBack() {
        #expect(Day("2026-12-07")!.weekday == 0 && Day("2026-12-06")!.weekday == 6 && Day("2000-01-01")!.weekday == 5)
        #expect(Day("2026-12-07")!.bankingDays(before: 1) == Day("2026-12-04")!, "Monday less one banking day is Friday")
        #expect(Day("2026-12-10")!.bankingDays(before: 3) == Day("2026-12-07")!)
        #expect(Day("2026-12-09")!.bankingDays(before: 3) == Day("2026-12-04")!)
        #expect(Day("2026-12-06")!.bankingDays(before: 0) == Day("2026-12-06")!)
    }
}
