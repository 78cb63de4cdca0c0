import AsyncHTTPClient
import ChitraCore
import ChitraRails
import ChitraStore

/// The rails a worker can send by (those whose gateway URL it was given), and how it paces them.
public struct RailSet: Sendable {
    public var bank: (any TransferRail)?
    public var wallet: (any TransferRail)?
    /// The bank's side of the paying accounts (statements, recalls).
    public var statements: (any AccountStatements)?
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
    /// The time retries and inquiries fall due by: the database's clock, or a test's (`DatabaseTime`).
    public var time: DatabaseTime

    public init(bank: (any TransferRail)? = nil, wallet: (any TransferRail)? = nil, statements: (any AccountStatements)? = nil,
                retry: RetryPolicy = RetryPolicy(),
                inquiryInterval: Duration = TransferOutcomes.defaultInquiryInterval, inquiryWidth: Int = 16,
                batchSize: Int = TransferBatching.maximumTransfers, longestInquiryWait: Duration = .seconds(300),
                time: DatabaseTime = .database) {
        self.bank = bank
        self.wallet = wallet
        self.statements = statements ?? (bank as? any AccountStatements)
        self.retry = retry
        self.inquiryInterval = inquiryInterval
        self.inquiryWidth = inquiryWidth
        self.batchSize = batchSize
        self.longestInquiryWait = longestInquiryWait
        self.time = time
    }

    public static let none = RailSet()

    /// The gateways at these URLs (nil: none by that rail), every request measured: what
    /// `chitra worker` sends by. The bank gateway also keeps the paying accounts (statements,
    /// recalls).
    public static func gateways(bankURL: String?, walletURL: String?, http: HTTPClient, timeout: Duration, retry: RetryPolicy,
                                inquiryInterval: Duration, batchSize: Int, longestInquiryWait: Duration = .seconds(300)) -> RailSet {
        let bank = bankURL.map { BankRail(http: http, baseURL: $0, timeout: timeout) }
        return RailSet(bank: bank.map(MeasuredRail.init), wallet: walletURL.map { MeasuredRail(WalletRail(http: http, baseURL: $0, timeout: timeout)) },
                       statements: bank, retry: retry, inquiryInterval: inquiryInterval, batchSize: batchSize, longestInquiryWait: longestInquiryWait)
    }

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

    /// Asks about transfers batch by batch (one request per batch, `inquiryWidth` at a time); a
    /// transfer a batch's answer does not name is asked about on its own. A batch the gateway
    /// never received makes its transfers `neverArrived`; a question without an answer leaves
    /// them unknown. The first such reason is returned with the answers.
    func inquireByBatch(_ transfers: [OpenTransfer]) async -> (answers: [(OpenTransfer, DisbursementStateMachine.Answer)], problem: String?) {
        let groups = Dictionary(grouping: transfers) { $0.batchMessageID }.map { $0.value }
        var answers: [(OpenTransfer, DisbursementStateMachine.Answer)] = []
        var alone: [OpenTransfer] = []
        var problem: String?
        await withTaskGroup(of: (answered: [(OpenTransfer, DisbursementStateMachine.Answer)], alone: [OpenTransfer], problem: String?).self) { group in
            var pending = groups.makeIterator()
            func start(_ transfers: [OpenTransfer]) {
                group.addTask { await self.inquire(batchOf: transfers) }
            }
            for _ in 0..<max(1, inquiryWidth) {
                guard let next = pending.next() else { break }
                start(next)
            }
            for await result in group {
                answers += result.answered
                alone += result.alone
                if problem == nil { problem = result.problem }
                if let next = pending.next() { start(next) }
            }
        }
        let (each, eachProblem) = await inquire(alone)
        return (answers + each, problem ?? eachProblem)
    }

    /// One batch's inquiry: what it names, and the transfers left to ask about alone.
    private func inquire(batchOf transfers: [OpenTransfer]) async
        -> (answered: [(OpenTransfer, DisbursementStateMachine.Answer)], alone: [OpenTransfer], problem: String?) {
        guard let first = transfers.first, let rail = rail(first.rail), !first.batchMessageID.isEmpty else { return ([], transfers, nil) }
        let asked = TransferBatch(messageID: first.batchMessageID, institution: first.institution,
                                  debtor: DebtorAccount(name: "", account: "", bank: ""), executionDate: "",
                                  transfers: transfers.map(RailSet.instruction))
        do throws(RailFailure) {
            guard let found = try await rail.inquire(batch: asked) else {
                return (transfers.map { ($0, .neverArrived) }, [], nil)
            }
            var answered: [(OpenTransfer, DisbursementStateMachine.Answer)] = []
            var alone: [OpenTransfer] = []
            for transfer in transfers {
                if let result = found[transfer.endToEndID] { answered.append((transfer, RailSet.answer(result))) } else { alone.append(transfer) }
            }
            return (answered, alone, nil)
        } catch {
            return (transfers.map { ($0, .unknown) }, [], error.description)
        }
    }

    static func instruction(_ transfer: OpenTransfer) -> TransferInstruction {
        TransferInstruction(endToEndID: transfer.endToEndID, beneficiaryID: transfer.beneficiaryID, amount: transfer.amount,
                            institution: transfer.institution, account: transfer.account, creditorName: transfer.accountName)
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
