/// The e-wallet providers' batch API, as JSON (documented in the simulator's OpenAPI file):
/// `POST {base}/{provider}/batches` with a `WalletBatch`, answered with a `WalletBatchAnswer`;
/// `GET {base}/{provider}/transfers/{end_to_end_id}` answered with one `WalletTransferStatus`,
/// or 404 when the provider never received it.
public struct WalletBatch: Codable, Sendable, Hashable {
    public var batchID: String
    public var provider: String
    public var debtorName: String
    /// The paying unit's account the provider collects the batch's credits from, and its bank
    /// (Napas BIN): the money leaves it as it does for a bank transfer, and its statement settles
    /// the wallet transfers. Absent (an older sender): the provider debits no account Chitra reads.
    public var debtorAccount: String?
    public var debtorBank: String?
    public var transfers: [WalletTransfer]

    public init(batchID: String, provider: String, debtorName: String, debtorAccount: String? = nil, debtorBank: String? = nil,
                transfers: [WalletTransfer]) {
        self.batchID = batchID
        self.provider = provider
        self.debtorName = debtorName
        self.debtorAccount = debtorAccount
        self.debtorBank = debtorBank
        self.transfers = transfers
    }

    /// The account debited, when the batch names one.
    public var debtor: DebtorAccount? {
        guard let debtorAccount, !debtorAccount.isEmpty, let debtorBank, !debtorBank.isEmpty else { return nil }
        return DebtorAccount(name: debtorName, account: debtorAccount, bank: debtorBank)
    }

    enum CodingKeys: String, CodingKey {
        case batchID = "batch_id", provider, debtorName = "debtor_name", debtorAccount = "debtor_account", debtorBank = "debtor_bank", transfers
    }
}

public struct WalletTransfer: Codable, Sendable, Hashable {
    public var endToEndID: String
    public var walletID: String
    public var name: String
    public var amountVND: Int64

    public init(endToEndID: String, walletID: String, name: String, amountVND: Int64) {
        self.endToEndID = endToEndID
        self.walletID = walletID
        self.name = name
        self.amountVND = amountVND
    }

    enum CodingKeys: String, CodingKey {
        case endToEndID = "end_to_end_id", walletID = "wallet_id", name, amountVND = "amount_vnd"
    }
}

public struct WalletBatchAnswer: Codable, Sendable, Hashable {
    public var batchID: String
    public var results: [WalletTransferStatus]

    public init(batchID: String, results: [WalletTransferStatus]) {
        self.batchID = batchID
        self.results = results
    }

    enum CodingKeys: String, CodingKey { case batchID = "batch_id", results }
}

public struct WalletTransferStatus: Codable, Sendable, Hashable {
    public enum Status: String, Codable, Sendable { case accepted, pending, paid, rejected }
    public var endToEndID: String
    public var status: Status
    /// An ISO 20022 reason code, for `rejected`.
    public var reason: String?
    /// The amount the provider took the transfer for.
    public var amountVND: Int64

    public init(endToEndID: String, status: Status, reason: String? = nil, amountVND: Int64) {
        self.endToEndID = endToEndID
        self.status = status
        self.reason = reason
        self.amountVND = amountVND
    }

    enum CodingKeys: String, CodingKey { case endToEndID = "end_to_end_id", status, reason, amountVND = "amount_vnd" }
}
