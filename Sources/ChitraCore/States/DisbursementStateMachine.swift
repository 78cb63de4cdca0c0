/// A disbursement's state machine: given what happened (approval, a rail's answer, finance's
/// re-run, the post office's confirmation), it returns the state to write and what to do next,
/// or refuses. No I/O: the store writes the state with a guard on the state it leaves, in the
/// transaction that completes the job.
///
/// The rule it keeps: a beneficiary is paid exactly once. An unknown outcome is resolved by a
/// status inquiry, never by a resend or a fallback; only "never arrived" allows a resend, with
/// the same EndToEndId; nothing falls back to cash while its outcome is unknown.
public struct DisbursementStateMachine: Sendable, Hashable {
    public var state: DisbursementState
    /// Transfers sent so far (resends with the same EndToEndId count).
    public var attempts: Int
    public var rail: Rail

    public init(state: DisbursementState, attempts: Int, rail: Rail) {
        self.state = state
        self.attempts = attempts
        self.rail = rail
    }

    /// What a rail answered for one transfer.
    public enum Answer: Sendable, Hashable {
        case accepted
        case pending
        case paid
        /// Rejected with an ISO 20022 reason code; `retryable` for temporary reasons.
        case rejected(reason: String, retryable: Bool)
        /// Rejected because the beneficiary died (MD07): payment stops.
        case beneficiaryDeceased
        /// A timeout, a dropped connection, a 5xx after sending: it may or may not have arrived.
        case unknown
        /// A status inquiry found no trace of it: it never arrived.
        case neverArrived
    }

    public enum Event: Sendable, Hashable {
        case approve
        /// The submit step sends it (bank, wallet) or lists it for the post office (cash).
        case send
        case answered(Answer)
        /// Finance re-runs failed transfers (same EndToEndIds).
        case retryRequested
        /// Finance (or the deadline) sends a failed transfer to cash.
        case fallBackRequested(reason: String)
        case cashConfirmed
        case cashReturned
        /// The debtor account's statement shows its debit, of its amount.
        case debited
        /// The statement shows the money coming back (a return with its reason, or a reversal).
        case returnedByBank(reason: String)
        case stop
    }

    /// What to do besides writing `next`.
    public enum Action: Sendable, Hashable {
        case none
        /// Send the transfer (again), with the same EndToEndId, after `after`.
        case send(after: Duration)
        /// Ask the rail what became of it; do not resend.
        case inquire
        /// Put it on the post office's cash list (at home when the method says so); flag the
        /// beneficiary's account for review.
        case fallBackToCash(reason: String)
        /// Tell the Labour office: the bank reports the beneficiary deceased.
        case reportDeceased
        /// Retries are exhausted: it stays failed until finance re-runs it or sends it to cash.
        case waitForFinance
    }

    public struct Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        public var state: DisbursementState
        public var event: Event
        public var description: String { "a disbursement that is \(state.rawValue) cannot take \(event)" }
    }

    /// Transfers per disbursement (resends included) before a retryable failure stops being retried
    /// automatically and waits for finance. Five: with the default backoff (1 s, 2 s, 4 s, 8 s) a
    /// passing trouble has had a quarter of a minute to clear; one that lasts longer needs a person.
    public static let maximumAttempts = 5

    /// The state after `event`, and what to do.
    public func handle(_ event: Event, retry: RetryPolicy = RetryPolicy()) throws(Refusal) -> (next: DisbursementState, action: Action) {
        let refusal = Refusal(state: state, event: event)
        switch (state, event) {
        case (.computed, .approve):
            // Approving cash is listing it: the post office's list is ready with the approval.
            // Approval is written on the run: this is the state the disbursement is seen in from
            // then on, stored or not (DisbursementState.seen).
            return rail == .cash ? (.cashInstructed, .none) : (.approved, .none)
        case (.computed, .stop), (.approved, .stop):
            return (.stopped, .none)
        case (.approved, .send):
            // Cash approved before approval listed it (an older version) is listed by the submit step.
            return rail == .cash ? (.cashInstructed, .none) : (.submitted, .send(after: .zero))
        case (.submitted, .answered(let answer)), (.accepted, .answered(let answer)), (.pending, .answered(let answer)):
            return try answered(answer, refusal: refusal, retry: retry)
        case (.failed, .retryRequested):
            return (.submitted, .send(after: .zero))
        case (.failed, .fallBackRequested(let reason)):
            return (.cashInstructed, .fallBackToCash(reason: reason))
        case (.cashInstructed, .cashConfirmed):
            return (.paidCash, .none)
        case (.cashInstructed, .cashReturned):
            return (.returned, .none)
        case (.paid, .debited):
            return (.settled, .none)
        case (.paid, .returnedByBank), (.settled, .returnedByBank):
            // Owed again: the next month's run pays what a returned disbursement did not.
            return (.returned, .none)
        default:
            throw refusal
        }
    }

    private func answered(_ answer: Answer, refusal: Refusal, retry: RetryPolicy) throws(Refusal) -> (next: DisbursementState, action: Action) {
        switch answer {
        case .accepted:
            guard state == .submitted else { return (state, .none) }
            return (.accepted, .none)
        case .pending:
            return (.pending, .none)
        case .paid:
            return (.paid, .none)
        case .unknown:
            // Never resent, never fallen back: asked.
            return (state, .inquire)
        case .neverArrived:
            guard state == .submitted else { throw refusal }
            // A gateway that keeps losing or refusing the file: bounded like any temporary trouble.
            guard attempts < Self.maximumAttempts else { return (.failed, .waitForFinance) }
            return (.submitted, .send(after: .zero))
        case .beneficiaryDeceased:
            return (.stopped, .reportDeceased)
        case .rejected(let reason, let retryable):
            guard retryable else { return (.failed, .fallBackToCash(reason: reason)) }
            if attempts < Self.maximumAttempts {
                return (.failed, .send(after: retry.nominalDelay(afterAttempt: attempts)))
            }
            return (.failed, .waitForFinance)
        }
    }
}
