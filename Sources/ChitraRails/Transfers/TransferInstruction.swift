import ChitraCore

/// One transfer to send: a disbursement as a rail sees it. The EndToEndId is the disbursement's,
/// the same on every resend, so that a careful bank recognises a resend instead of paying twice.
public struct TransferInstruction: Sendable, Hashable {
    public var endToEndID: String
    public var beneficiaryID: String
    public var amount: Money
    /// The creditor's bank (its Napas BIN, six digits) or wallet provider.
    public var institution: String
    public var account: String
    public var creditorName: String

    public init(endToEndID: String, beneficiaryID: String, amount: Money, institution: String, account: String, creditorName: String) {
        self.endToEndID = endToEndID
        self.beneficiaryID = beneficiaryID
        self.amount = amount
        self.institution = institution
        self.account = account
        self.creditorName = creditorName
    }
}

/// The account a district pays from (a per-district setting).
public struct DebtorAccount: Sendable, Hashable {
    public var name: String
    public var account: String
    /// The debtor's bank, by its Napas BIN.
    public var bank: String

    public init(name: String, account: String, bank: String) {
        self.name = name
        self.account = account
        self.bank = bank
    }
}
