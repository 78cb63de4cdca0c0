/// A customer payment status report (ISO 20022 `pain.002`) as Chitra reads and the simulator
/// writes it: the group's status, and one status per transaction by its original EndToEndId.
public struct PaymentStatusReport: Sendable, Hashable {
    public struct Transaction: Sendable, Hashable {
        public var endToEndID: String
        /// An `ExternalPaymentTransactionStatus1Code`: ACTC, ACCP, ACSP, ACWC, PDNG, ACSC, ACCC, RJCT.
        public var status: String
        /// An `ExternalStatusReason1Code` for a rejection (AC01, AC04, AM04, …).
        public var reason: String?

        public init(endToEndID: String, status: String, reason: String? = nil) {
            self.endToEndID = endToEndID
            self.status = status
            self.reason = reason
        }
    }

    public var messageID: String
    public var createdAt: String
    public var originalMessageID: String
    /// The group's status (a whole file rejected: RJCT with a reason), if the report gives one.
    public var groupStatus: String?
    public var groupReason: String?
    public var paymentInformationID: String?
    public var transactions: [Transaction]

    public init(messageID: String, createdAt: String, originalMessageID: String, groupStatus: String? = nil, groupReason: String? = nil,
                paymentInformationID: String? = nil, transactions: [Transaction]) {
        self.messageID = messageID
        self.createdAt = createdAt
        self.originalMessageID = originalMessageID
        self.groupStatus = groupStatus
        self.groupReason = groupReason
        self.paymentInformationID = paymentInformationID
        self.transactions = transactions
    }

    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        case unknownStatus(endToEndID: String, status: String)
        case rejectedWithoutReason(endToEndID: String)
        case notSent(endToEndID: String, messageID: String)
        case twice(endToEndID: String)
        case answersAnotherFile(expected: String, found: String)

        public var description: String {
            switch self {
            case .unknownStatus(let id, let status): "the status report gives transaction \(id) the status '\(status)', which Chitra does not know"
            case .rejectedWithoutReason(let id): "the status report rejects transaction \(id) without a reason code"
            case .notSent(let id, let message): "the status report names transaction \(id), which payment file \(message) did not hold"
            case .twice(let id): "the status report names transaction \(id) twice"
            case .answersAnotherFile(let expected, let found): "the status report answers payment file \(found), not \(expected)"
            }
        }
    }

    /// What the report says of each transaction of payment file `messageID` that held `sent`
    /// (EndToEndIds): a status per transaction named, the group's status for the others when the
    /// whole file was rejected. Refuses a report about another file, a transaction not sent, one
    /// named twice, an unknown status, or a rejection without a reason.
    public func statuses(messageID expected: String, sent: Set<String>) throws(Failure) -> [String: TransferStatus] {
        guard originalMessageID == expected else { throw .answersAnotherFile(expected: expected, found: originalMessageID) }
        var result: [String: TransferStatus] = [:]
        for transaction in transactions {
            guard sent.contains(transaction.endToEndID) else { throw .notSent(endToEndID: transaction.endToEndID, messageID: expected) }
            guard result[transaction.endToEndID] == nil else { throw .twice(endToEndID: transaction.endToEndID) }
            result[transaction.endToEndID] = try Self.status(transaction.status, reason: transaction.reason, endToEndID: transaction.endToEndID)
        }
        if let groupStatus, groupStatus == "RJCT" {
            for id in sent where result[id] == nil {
                result[id] = try Self.status(groupStatus, reason: groupReason, endToEndID: id)
            }
        }
        return result
    }

    static func status(_ code: String, reason: String?, endToEndID: String) throws(Failure) -> TransferStatus {
        switch code {
        case "ACTC", "ACCP", "ACSP", "ACWC", "RCVD": return .accepted
        case "PDNG": return .pending
        case "ACSC", "ACCC": return .paid
        case "RJCT":
            guard let reason, !reason.isEmpty else { throw .rejectedWithoutReason(endToEndID: endToEndID) }
            return .rejected(reason: reason)
        default: throw .unknownStatus(endToEndID: endToEndID, status: code)
        }
    }
}
