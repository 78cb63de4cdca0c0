/// The transfer rail a disbursement goes by, from its payment method.
public enum Rail: String, Sendable, Hashable, Codable, CaseIterable {
    /// ISO 20022 payment files to the bank gateway.
    case bank
    /// The e-wallet providers' batch API.
    case wallet
    /// The post office's cash lists (at home for `cash_home`).
    case cash

    public init(method: PaymentMethod) {
        switch method {
        case .bank: self = .bank
        case .wallet: self = .wallet
        case .cash, .cashHome: self = .cash
        }
    }
}
