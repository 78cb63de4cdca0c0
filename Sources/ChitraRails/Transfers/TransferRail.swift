import ChitraCore

/// One protocol for the rails that move money to accounts: a batch of instructions in,
/// per-transaction results out; and a status inquiry for a transfer whose outcome is unknown.
///
/// A rail never decides what happens next: it reports. A timeout, a dropped connection, a 5xx
/// or an answer that cannot be trusted make every transfer of the batch `unknown`, never failed:
/// the caller resolves them with `inquire`, and only `neverArrived` allows sending again.
public protocol TransferRail: Sendable {
    var rail: Rail { get }
    /// Sends one batch (one payment file, one wallet batch). Every instruction gets a result.
    func send(_ batch: TransferBatch) async -> [String: TransferResult]
    /// Asks what became of one transfer. Throws when the question itself got no answer.
    func inquire(endToEndID: String, institution: String) async throws(RailFailure) -> InquiryResult
    /// Asks what became of a whole batch (one request instead of one per transfer): nil when the
    /// gateway never received it, else what it says of each of `batch`'s transfers it names.
    func inquire(batch: TransferBatch) async throws(RailFailure) -> [String: TransferResult]?
}

/// One batch for one institution (a creditor bank, or a wallet provider).
public struct TransferBatch: Sendable, Hashable {
    /// The batch's own reference (MsgId of the payment file, the wallet batch's id); ≤ 35 characters.
    public var messageID: String
    public var institution: String
    public var debtor: DebtorAccount
    /// `YYYY-MM-DD`, the day the money is to move.
    public var executionDate: String
    public var transfers: [TransferInstruction]

    public init(messageID: String, institution: String, debtor: DebtorAccount, executionDate: String, transfers: [TransferInstruction]) {
        self.messageID = messageID
        self.institution = institution
        self.debtor = debtor
        self.executionDate = executionDate
        self.transfers = transfers
    }

    public var total: Money { Money(dong: transfers.reduce(Int64(0)) { $0 + $1.amount.dong }) }
}

/// What a rail reports of one transfer.
public enum TransferResult: Sendable, Hashable {
    case accepted
    case pending
    case paid
    /// Refused, with the ISO 20022 reason code and what it means.
    case rejected(reason: String, kind: RejectionReason)
    /// Sent, but whether it arrived is not known (why, in one sentence).
    case unknown(String)

    public init(_ status: TransferStatus) {
        switch status {
        case .accepted: self = .accepted
        case .pending: self = .pending
        case .paid: self = .paid
        case .rejected(let reason): self = .rejected(reason: reason, kind: RejectionReason(code: reason))
        }
    }
}

/// What a status inquiry found.
public enum InquiryResult: Sendable, Hashable {
    case found(TransferResult)
    /// The institution has no trace of it: it may be sent again, with the same EndToEndId.
    case neverArrived
}

/// Why a rail's exchange gave no usable answer. Each is one sentence for people.
public enum RailFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// No answer: refused connection, timeout, dropped connection.
    case transport(rail: Rail, problem: String)
    /// The gateway answered with an HTTP error.
    case httpStatus(rail: Rail, status: Int, body: String)
    /// An answer Chitra cannot trust: malformed, not valid, about other transfers, wrong amounts.
    case badAnswer(rail: Rail, problem: String)

    public var description: String {
        switch self {
        case .transport(let rail, let problem): "the \(rail.rawValue) gateway could not be reached or did not answer: \(problem)"
        case .httpStatus(let rail, let status, let body):
            "the \(rail.rawValue) gateway answered HTTP \(status)" + (body.isEmpty ? "" : ": \(body.prefix(200))")
        case .badAnswer(let rail, let problem): "the \(rail.rawValue) gateway's answer was refused: \(problem)"
        }
    }
}
