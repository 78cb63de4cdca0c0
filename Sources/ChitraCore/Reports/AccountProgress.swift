/// The plan's account-information figures (section III.3) over a district's active
/// beneficiaries: who has the documents and the account that paying without cash needs.
public struct AccountProgress: Sendable, Hashable, Codable {
    /// Active beneficiaries counted.
    public var active = 0
    public var withCCCD = 0
    public var withPhone = 0
    /// A bank account or an e-wallet on the register.
    public var withAccount = 0
    /// Paid in cash, with a CCCD and receiving for themselves: could open an account.
    public var canOpen = 0
    /// No CCCD.
    public var missingDocuments = 0
    /// Paid through an authorised person or a guardian.
    public var authorisedRecipients = 0
    /// Paid through an authorised person or a guardian while their own CCCD is missing.
    public var recipientsMissingDocuments = 0

    public init() {}

    public static func + (lhs: AccountProgress, rhs: AccountProgress) -> AccountProgress {
        var sum = AccountProgress()
        sum.active = lhs.active + rhs.active
        sum.withCCCD = lhs.withCCCD + rhs.withCCCD
        sum.withPhone = lhs.withPhone + rhs.withPhone
        sum.withAccount = lhs.withAccount + rhs.withAccount
        sum.canOpen = lhs.canOpen + rhs.canOpen
        sum.missingDocuments = lhs.missingDocuments + rhs.missingDocuments
        sum.authorisedRecipients = lhs.authorisedRecipients + rhs.authorisedRecipients
        sum.recipientsMissingDocuments = lhs.recipientsMissingDocuments + rhs.recipientsMissingDocuments
        return sum
    }

    enum CodingKeys: String, CodingKey {
        case active, withCCCD = "with_cccd", withPhone = "with_phone", withAccount = "with_account", canOpen = "can_open"
        case missingDocuments = "missing_documents", authorisedRecipients = "authorised_recipients"
        case recipientsMissingDocuments = "recipients_missing_documents"
    }
}
