import ChitraCore
import PostgresNIO

/// Records what the rails said of transfers: `DisbursementStateMachine` decides each one's next
/// state and action; one guarded bulk statement writes the states, then the fallbacks to cash, the
/// flags on the register, and the resends of what never arrived, all in the caller's transaction.
public enum TransferOutcomes {
    /// How soon an accepted or pending transfer is asked about again.
    public static let defaultInquiryInterval = Duration.seconds(1)
    /// The reason recorded when a gateway never received a transfer on every attempt.
    public static let gatewayTrouble = "TECH"

    public struct Summary: Sendable, Hashable, CustomStringConvertible {
        public var paid = 0
        public var inFlight = 0
        public var retrying = 0
        public var waitingForFinance = 0
        public var fallenBack = 0
        public var stopped = 0
        public var unknown = 0
        public var resent = 0
        /// Outcomes not written because the disbursement had moved on meanwhile.
        public var stale = 0
        /// Answers the state machine refused (contradicting an earlier answer).
        public var contradictions = 0

        public init() {}

        public var description: String {
            "paid \(paid), in flight \(inFlight), retrying \(retrying), waiting for finance \(waitingForFinance), "
                + "to cash \(fallenBack), stopped \(stopped), unknown \(unknown), resent \(resent)"
                + (contradictions > 0 ? ", contradicting earlier answers \(contradictions)" : "")
        }
    }

    /// Records `answers` (one per transfer). `batch` is the batch they came from, when a resend of
    /// what never arrived must go in a new batch. Retries and inquiries are due counted from `time`.
    public static func record(_ answers: [(OpenTransfer, DisbursementStateMachine.Answer)], batch: TransferBatchRecord?,
                              retry: RetryPolicy = RetryPolicy(), inquiryInterval: Duration = defaultInquiryInterval,
                              time: DatabaseTime = .database, on connection: PostgresConnection) async throws -> Summary {
        var summary = Summary()
        var ids: [String] = [], from: [String] = [], to: [String] = [], reasons: [String] = []
        var retryable: [Bool] = [], retryMilliseconds: [Int64] = [], inquireMilliseconds: [Int64] = []
        var fallbacks: [(String, String)] = [], deceased: [String] = [], resends: [String] = []
        for (transfer, answer) in answers {
            let machine = DisbursementStateMachine(state: transfer.state, attempts: transfer.attempts, rail: transfer.rail)
            guard let (next, action) = try? machine.handle(.answered(answer), retry: retry) else {
                // An answer that contradicts what the gateway said before ("never arrived" about a
                // transfer it reported pending): nothing is written; it is asked about again.
                summary.contradictions += 1
                continue
            }
            var reason = "", mayPass = false, retryIn: Int64 = -1, inquireIn: Int64 = -1
            if case .rejected(let code, let temporary) = answer {
                reason = code
                mayPass = temporary
            }
            switch action {
            case .inquire:
                summary.unknown += 1
                continue
            case .send where next == .submitted:
                resends.append(transfer.endToEndID)
                continue
            case .send(let after):
                // The delay the machine decided, with jitter so that a batch's retries spread out.
                retryIn = retry.jittered(after).wholeMilliseconds
                summary.retrying += 1
            case .fallBackToCash(let why):
                fallbacks.append((transfer.endToEndID, why))
            case .reportDeceased:
                reason = "MD07"
                deceased.append(transfer.endToEndID)
                summary.stopped += 1
            case .waitForFinance:
                if reason.isEmpty {
                    reason = gatewayTrouble
                    mayPass = true
                }
                summary.waitingForFinance += 1
            case .none:
                if next == .accepted || next == .pending {
                    inquireIn = inquiryInterval.wholeMilliseconds
                    summary.inFlight += 1
                } else if next == .paid {
                    summary.paid += 1
                }
            }
            guard next != transfer.state || inquireIn >= 0 else { continue }
            ids.append(transfer.endToEndID)
            from.append(transfer.state.rawValue)
            to.append(next.rawValue)
            reasons.append(reason)
            retryable.append(mayPass)
            retryMilliseconds.append(retryIn)
            inquireMilliseconds.append(inquireIn)
        }
        if !ids.isEmpty {
            let written = try await count(connection.send(
                TransferSQL.recordOutcomes(ids: ids, from: from, to: to, reasons: reasons, retryable: retryable,
                                           retryMilliseconds: retryMilliseconds, inquireMilliseconds: inquireMilliseconds, now: time.now),
                logger: Database.quiet))
            summary.stale = ids.count - written
        }
        if !fallbacks.isEmpty {
            summary.fallenBack = try await fallBack(fallbacks, by: nil, on: connection)
            try await connection.execute(TransferSQL.flagAccountReview(ids: fallbacks.map(\.0)), logger: Database.quiet)
        }
        if !deceased.isEmpty {
            try await connection.execute(TransferSQL.reportDeceased(ids: deceased), logger: Database.quiet)
        }
        if !resends.isEmpty, let batch {
            summary.resent = try await TransferBatching.resend(endToEndIDs: resends, from: batch, on: connection)?.transfers ?? 0
        }
        return summary
    }

    /// Moves failed transfers to the post office's list with their reasons (`DisbursementStateMachine`'s
    /// fallback); returns how many moved.
    static func fallBack(_ transfers: [(endToEndID: String, reason: String)], by person: String?,
                         on connection: PostgresConnection) async throws -> Int {
        let (next, _) = try DisbursementStateMachine(state: .failed, attempts: 0, rail: .bank).handle(.fallBackRequested(reason: ""))
        precondition(next == .cashInstructed)
        var moved = 0
        for (reason, ofReason) in Dictionary(grouping: transfers, by: \.reason).sorted(by: { $0.key < $1.key }) {
            moved += try await count(connection.send(TransferSQL.fallBack(ids: ofReason.map(\.endToEndID), reason: reason, by: person),
                                                      logger: Database.quiet))
        }
        return moved
    }

    static func count(_ rows: PostgresRowSequence) async throws -> Int { try await count(QueryRows(rows)) }

    static func count(_ rows: QueryRows) async throws -> Int {
        var total = 0
        for try await value in rows.decode(Int64.self) { total = Int(value) }
        return total
    }
}
