/// What a rail says of one transfer, by EndToEndId.
public enum TransferStatus: Sendable, Hashable {
    /// Accepted for execution (ACTC, ACCP, ACSP), not yet credited.
    case accepted
    /// Held (PDNG): its outcome comes later.
    case pending
    /// Credited (ACSC, ACCC).
    case paid
    /// Rejected (RJCT) with an ISO 20022 reason code.
    case rejected(reason: String)
}
