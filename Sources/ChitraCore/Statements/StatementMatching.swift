/// What a statement's entries do to the transfers they name: the rule of reconciliation, without
/// I/O. A booked debit of a transfer `paid` (ACSC), of its amount, settles it; a return (or a
/// reversal) of a transfer paid or settled returns it, its months owed again. Whatever else a
/// statement shows is a break for finance: a second debit for one transfer, an amount that
/// differs, a movement for an id Chitra never sent, a debit for a transfer Chitra holds unpaid, a
/// return of what was not paid. A debit for a transfer whose answer the rails still wait for
/// (submitted, accepted, pending) waits, and settles it once the answer is paid. A second debit,
/// recalled, comes back as a credit (`recallCredited`) and closes its break.
///
/// The outcome does not hang on the order statements are taken in: money back (a return, a
/// reversal) waits (`ahead`) until the account's statements are in without a gap from before the
/// payment through its day, and is then decided in booking order with every debit before it known
/// (`expire`): the second debit still outstanding it gives back, else the payment it returns, else
/// nothing (a break). A recall's credit for a second debit that a return was taken to give back
/// makes that return the payment's own (`Decision.amends`, on an entry taken in before).
public enum StatementMatching {
    /// What Chitra holds of the transfer an entry names.
    public struct Transfer: Sendable, Hashable {
        public var amountVND: Int64
        /// As seen (`DisbursementState.seen`).
        public var state: DisbursementState
        /// A booked debit for it was matched before (this statement or an earlier one).
        public var debited: Bool
        /// Its second debits not yet given back (duplicates raised, less the money back for them).
        public var duplicatesOutstanding: Int
        /// Returns (or reversals) that gave back a second debit (`recalled`, no recall's credit).
        public var returnsForDuplicates: Int

        public init(amountVND: Int64, state: DisbursementState, debited: Bool, duplicatesOutstanding: Int = 0,
                    returnsForDuplicates: Int = 0) {
            self.amountVND = amountVND
            self.state = state
            self.debited = debited
            self.duplicatesOutstanding = duplicatesOutstanding
            self.returnsForDuplicates = returnsForDuplicates
        }
    }

    public enum Outcome: String, Sendable, Hashable, CaseIterable {
        case settled, returned, waiting, recalled, charge, pending, other
        /// Money back waiting for the statements before it, to know what it gives back (`expire`).
        case ahead
        case breakRaised = "break"
    }

    /// What a decision changes of an entry taken in before.
    public enum Amendment: String, Sendable, Hashable {
        /// A recall's credit for a second debit a return gave back: that return (the latest) was
        /// the payment's own (`returned`), and the transfer is returned with its reason and day.
        case returnIsThePayments
    }

    public struct Break: Sendable, Hashable {
        public var kind: StatementBreakKind
        public var expectedVND: Int64?
        public var detail: String

        public init(kind: StatementBreakKind, expectedVND: Int64?, detail: String) {
            self.kind = kind
            self.expectedVND = expectedVND
            self.detail = detail
        }
    }

    public struct Decision: Sendable, Hashable {
        public var outcome: Outcome
        /// The state the transfer goes to (nil: it stays).
        public var next: DisbursementState?
        public var breakRaised: Break?
        /// An entry decided before that this one changes, if any.
        public var amends: Amendment?

        static func just(_ outcome: Outcome, _ next: DisbursementState? = nil) -> Decision { Decision(outcome: outcome, next: next) }
        static func raise(_ kind: StatementBreakKind, expected: Int64? = nil, _ detail: String) -> Decision {
            Decision(outcome: .breakRaised, next: nil, breakRaised: Break(kind: kind, expectedVND: expected, detail: detail))
        }
    }

    /// The decision for each of `entries`, in order; `transfers` by EndToEndId, updated as the
    /// entries move them (two debits of one transfer in one statement: the second is a duplicate).
    public static func decide(_ entries: [BankStatement.Entry], transfers: inout [String: Transfer]) -> [Decision] {
        entries.map { decide($0, transfers: &transfers) }
    }

    public static func decide(_ entry: BankStatement.Entry, transfers: inout [String: Transfer]) -> Decision {
        guard entry.status == "BOOK" else { return .just(.pending) }
        if entry.code == .charge { return .just(.charge) }
        // A batch still whole is one that does not add up (`unbatched` opens those that do).
        if let batch = entry.batch {
            return .raise(.batch, expected: batch.totalVND ?? batch.transactions.reduce(0) { $0 + $1.amountVND },
                          batch.mismatch(entryVND: entry.amountVND) ?? "a batch of \(batch.transactions.count) transfers booked as one entry")
        }
        let isReturn = entry.direction == .credit && (entry.reversal || entry.code == .transferReturned)
        guard let id = entry.endToEndID, !id.isEmpty else {
            if entry.direction == .debit {
                return .raise(.unknown, "a debit of \(entry.amountVND) đồng names no transfer (no EndToEndId) and is no bank charge")
            }
            return isReturn ? .raise(.invalidReturn, "a return of \(entry.amountVND) đồng names no transfer (no EndToEndId)") : .just(.other)
        }
        guard var transfer = transfers[id] else {
            return isReturn ? .raise(.invalidReturn, "a return of \(entry.amountVND) đồng for \(id), which Chitra never sent")
                : entry.direction == .debit ? .raise(.unknown, "a debit of \(entry.amountVND) đồng for \(id), which Chitra never sent")
                : .just(.other)
        }
        defer { transfers[id] = transfer }
        if entry.direction == .debit {
            if entry.reversal { return .raise(.unexpected, "a reversed credit debited again for \(id)") }
            if transfer.debited {
                transfer.duplicatesOutstanding += 1
                return .raise(.duplicate, expected: transfer.amountVND, "a second debit of \(entry.amountVND) đồng for \(id)")
            }
            guard entry.amountVND == transfer.amountVND else {
                return .raise(.amount, expected: transfer.amountVND,
                              "\(id) was debited \(entry.amountVND) đồng, not the \(transfer.amountVND) đồng sent")
            }
            switch transfer.state {
            case .paid:
                transfer.debited = true
                transfer.state = machine(transfer).next(.debited) ?? .settled
                return .just(.settled, transfer.state)
            case .submitted, .accepted, .pending:
                transfer.debited = true
                return .just(.waiting)
            case .returned, .settled:
                // Debited, and (an entry of a later day, taken in first) already back: the debit
                // is the one expected; nothing moves.
                transfer.debited = true
                return .just(.settled)
            default:
                return .raise(.unexpected, expected: transfer.amountVND,
                              "\(id) was debited though Chitra holds it \(transfer.state.rawValue): do not send or pay it again before this is cleared")
            }
        }
        if entry.code == .recallCredited {
            guard entry.amountVND == transfer.amountVND else {
                return .raise(.amount, expected: transfer.amountVND, "\(id)'s recalled debit came back with \(entry.amountVND) đồng, not \(transfer.amountVND)")
            }
        } else {
            guard isReturn else { return .just(.other) }
            guard entry.amountVND == transfer.amountVND else {
                return .raise(.amount, expected: transfer.amountVND, "\(id) came back with \(entry.amountVND) đồng, not the \(transfer.amountVND) đồng sent")
            }
        }
        switch transfer.state {
        case .paid, .settled, .returned:
            // What it gives back (a second debit, the payment, or nothing) is known once the
            // statements before it are in: money back waits for them (`expire`).
            return .just(.ahead)
        default:
            return .raise(.invalidReturn, expected: transfer.amountVND,
                          "\(id) came back though Chitra holds it \(transfer.state.rawValue)")
        }
    }
}

extension StatementMatching {
    /// Money back still `ahead` of a transfer, in booking order, once the account's statements are
    /// in without a gap from before its payment through the entries' day: every debit before it is
    /// known. A recall's credit, or a return (a bank often corrects a double debit by a return or a
    /// reversal: the payment stands, never returned and paid again), gives back a second debit
    /// still outstanding; else a return returns the payment (owed again); a recall's credit for a
    /// second debit that a return gave back makes that return the payment's own (amended here when
    /// it is among `ahead`, else `amends` names one taken in before); anything else is a break.
    public static func expire(_ ahead: [BankStatement.Entry], transfer: inout Transfer) -> [Decision] {
        var decisions: [Decision] = []
        for entry in ahead {
            if transfer.duplicatesOutstanding > 0 {
                transfer.duplicatesOutstanding -= 1
                if entry.isPlainReturn { transfer.returnsForDuplicates += 1 }
                decisions.append(.just(.recalled))
            } else if entry.code == .recallCredited {
                guard transfer.returnsForDuplicates > 0, transfer.state == .paid || transfer.state == .settled else {
                    decisions.append(.raise(.invalidReturn, expected: nil, "\(entry.amountVND) đồng given back for \(entry.endToEndID ?? "?") on \(entry.bookingDay), "
                                                + "whose second debit Chitra did not recall" + (transfer.returnsForDuplicates > 0 ? " or the bank returned already" : "")))
                    continue
                }
                // The second debit a return was taken to give back comes back itself: that return
                // was the payment's, owed again (from its day, for its reason).
                transfer.returnsForDuplicates -= 1
                transfer.state = .returned
                var recalled = Decision.just(.recalled)
                if let earlier = decisions.indices.last(where: { decisions[$0].outcome == .recalled && ahead[$0].isPlainReturn }) {
                    decisions[earlier] = .just(.returned, .returned)
                } else {
                    recalled.amends = .returnIsThePayments
                }
                decisions.append(recalled)
            } else if transfer.state == .paid || transfer.state == .settled {
                transfer.state = machine(transfer).next(.returnedByBank(reason: entry.reason)) ?? .returned
                decisions.append(.just(.returned, transfer.state))
            } else {
                decisions.append(.raise(.invalidReturn, expected: nil,
                                        "\(entry.amountVND) đồng came back for \(entry.endToEndID ?? "?") on \(entry.bookingDay), which the bank had given back already, "
                                            + "and no statement debits it again"))
            }
        }
        return decisions
    }
}

extension BankStatement.Entry {
    /// A return with its reason (no reversal, no recall's credit): what may prove the payment's own.
    var isPlainReturn: Bool { code == .transferReturned && !reversal }
    /// Why it came back: the return's reason, or a reversal.
    public var reason: String { returnReason ?? (reversal ? "reversal" : "") }
}

private func machine(_ transfer: StatementMatching.Transfer) -> DisbursementStateMachine {
    DisbursementStateMachine(state: transfer.state, attempts: 0, rail: .bank)
}

private extension DisbursementStateMachine {
    /// The state `event` takes it to; nil if refused.
    func next(_ event: Event) -> DisbursementState? { try? handle(event).next }
}

/// Why a statement's entry (or the statement) needs a person.
public enum StatementBreakKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// A second debit for one transfer: the bank paid it twice; recall it.
    case duplicate
    /// Debited or returned with another amount than sent.
    case amount
    /// A debit for an id Chitra never sent (or none at all).
    case unknown
    /// A debit for a transfer Chitra holds unpaid (failed, stopped, on a cash list, …).
    case unexpected
    /// An entry delivered again with other facts than before.
    case changed
    /// A return of a transfer not paid, or of an id Chitra never sent.
    case invalidReturn = "invalid_return"
    /// The statement's opening is not the closing of the one before (or its closing not the next one's opening).
    case balance
    /// Paid (accepted by the bank or wallet provider) but debited on no statement within the unit's banking days: investigate, never resend.
    case notDebited = "not_debited"
    /// A batch booked as one entry whose transfers do not add up to it (their count or their sum).
    case batch
}

/// Where a break stands. A duplicate is recalled at once (`recalling`) and closes when the money is
/// back on a statement; a refused recall opens it again. A person closes a break with a note. A
/// closed break never changes (the schema refuses it).
public enum StatementBreakState: String, Sendable, Hashable, CaseIterable, Codable {
    case open, recalling, closed

    public static let allowed: [StatementBreakState: Set<StatementBreakState>] = [
        .open: [.recalling, .closed],
        .recalling: [.closed, .open],
        .closed: [],
    ]

    public func canBecome(_ next: StatementBreakState) -> Bool { Self.allowed[self]?.contains(next) ?? false }
}

extension StatementMatching {
    /// The entries `entries` stand for: a batch booked as one entry that adds up is the entries of
    /// its transfers (the bank's reference with /1, /2…, each taken in once), each matched as a
    /// debit of its own; one that does not add up stays whole, and is a break.
    public static func unbatched(_ entries: [BankStatement.Entry]) -> [BankStatement.Entry] {
        entries.flatMap { entry -> [BankStatement.Entry] in
            guard let batch = entry.batch, batch.mismatch(entryVND: entry.amountVND) == nil else { return [entry] }
            return batch.transactions.enumerated().map { index, transaction in
                BankStatement.Entry(servicerReference: "\(entry.servicerReference)/\(index + 1)", amountVND: transaction.amountVND,
                                    direction: entry.direction, reversal: entry.reversal, status: entry.status, bookingDay: entry.bookingDay,
                                    valueDay: entry.valueDay, code: entry.code, endToEndID: transaction.endToEndID)
            }
        }
    }
}

extension BankStatement.Batch {
    /// Why the batch does not add up to its entry of `entryVND` đồng, or nil when it does: as many
    /// transfers as declared, their sum the declared total and the entry's amount.
    public func mismatch(entryVND: Int64) -> String? {
        let sum = transactions.reduce(Int64(0)) { $0 + $1.amountVND }
        let name = messageID.map { "batch \($0)" } ?? "a batch"
        if transactions.isEmpty { return "\(name) of \(entryVND) đồng names none of its transfers" }
        if let count, count != transactions.count { return "\(name) declares \(count) transfers and details \(transactions.count)" }
        if let totalVND, totalVND != sum { return "\(name) declares \(totalVND) đồng and its transfers sum to \(sum)" }
        if sum != entryVND { return "\(name) was booked as \(entryVND) đồng and its transfers sum to \(sum)" }
        return nil
    }
}
