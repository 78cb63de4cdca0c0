import ChitraCore
import ChitraRails
import ChitraStore

/// The rails a worker can send by (those whose gateway URL it was given), and how it paces them.
public struct RailSet: Sendable {
    public var bank: (any TransferRail)?
    public var wallet: (any TransferRail)?
    /// Backoff of transfers rejected for a temporary reason.
    public var retry: RetryPolicy
    /// How soon an accepted or pending transfer is asked about again.
    public var inquiryInterval: Duration
    /// Inquiries in flight at once.
    public var inquiryWidth: Int
    /// Transfers per batch (payment file or wallet batch).
    public var batchSize: Int
    /// The longest wait between two rounds of inquiries about a batch of unknown outcome.
    public var longestInquiryWait: Duration

    public init(bank: (any TransferRail)? = nil, wallet: (any TransferRail)? = nil, retry: RetryPolicy = RetryPolicy(),
                inquiryInterval: Duration = TransferOutcomes.defaultInquiryInterval, inquiryWidth: Int = 16,
                batchSize: Int = TransferBatching.maximumTransfers, longestInquiryWait: Duration = .seconds(300)) {
        self.bank = bank
        self.wallet = wallet
        self.retry = retry
        self.inquiryInterval = inquiryInterval
        self.inquiryWidth = inquiryWidth
        self.batchSize = batchSize
        self.longestInquiryWait = longestInquiryWait
    }

    public static let none = RailSet()

    public func rail(_ rail: Rail) -> (any TransferRail)? {
        switch rail {
        case .bank: bank
        case .wallet: wallet
        case .cash: nil
        }
    }

    /// What the state machine makes of a rail's report.
    static func answer(_ result: TransferResult) -> DisbursementStateMachine.Answer {
        switch result {
        case .accepted: .accepted
        case .pending: .pending
        case .paid: .paid
        case .unknown: .unknown
        case .rejected(_, .deceased): .beneficiaryDeceased
        case .rejected(let reason, .permanent): .rejected(reason: reason, retryable: false)
        case .rejected(let reason, .temporary): .rejected(reason: reason, retryable: true)
        }
    }

    /// Asks about each transfer, at most `inquiryWidth` at a time. A question that got no answer
    /// leaves its transfer unknown; the first such reason is returned with the answers.
    func inquire(_ transfers: [OpenTransfer]) async -> (answers: [(OpenTransfer, DisbursementStateMachine.Answer)], problem: String?) {
        await withTaskGroup(of: (OpenTransfer, DisbursementStateMachine.Answer, String?).self) { group in
            var answers: [(OpenTransfer, DisbursementStateMachine.Answer)] = []
            var problem: String?
            var pending = transfers.makeIterator()
            func start(_ transfer: OpenTransfer) {
                let rail = self.rail(transfer.rail)
                group.addTask {
                    guard let rail else { return (transfer, .unknown, "no \(transfer.rail.rawValue) gateway is configured") }
                    do throws(RailFailure) {
                        switch try await rail.inquire(endToEndID: transfer.endToEndID, institution: transfer.institution) {
                        case .neverArrived: return (transfer, .neverArrived, nil)
                        case .found(let result): return (transfer, RailSet.answer(result), nil)
                        }
                    } catch {
                        return (transfer, .unknown, error.description)
                    }
                }
            }
            for _ in 0..<max(1, inquiryWidth) {
                guard let next = pending.next() else { break }
                start(next)
            }
            for await (transfer, answer, failure) in group {
                answers.append((transfer, answer))
                if problem == nil { problem = failure }
                if let next = pending.next() { start(next) }
            }
            return (answers, problem)
        }
    }
}
