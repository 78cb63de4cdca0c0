/// A debtor account's statement for one banking day, as a bank sends it (ISO 20022 `camt.053`,
/// end of day) and Chitra reconciles against: the opening and closing booked balances and every
/// entry between them. Amounts are đồng; a debit lowers the balance, a credit raises it. A
/// notification (`camt.054`, intraday) carries entries alone: no balances, no place in the
/// sequence; the day's statement brings the same entries again (by the bank's reference).
public struct BankStatement: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case statement, notification }

    public enum Direction: String, Sendable, Hashable { case credit = "CRDT", debit = "DBIT" }

    /// The bank's transaction code, domain/family/sub-family: PMNT/ICDT/ESCT a credit transfer
    /// sent, PMNT/ICDT/RRTN one returned, PMNT/ICDT/RPCR one given back on a recall, ACMT/MDOP/CHRG a
    /// bank charge.
    public struct TransactionCode: Sendable, Hashable {
        public var domain: String
        public var family: String
        public var subFamily: String

        public init(_ domain: String, _ family: String, _ subFamily: String) {
            self.domain = domain
            self.family = family
            self.subFamily = subFamily
        }

        public static let transferSent = TransactionCode("PMNT", "ICDT", "ESCT")
        public static let transferReturned = TransactionCode("PMNT", "ICDT", "RRTN")
        /// Money given back at the customer's request to cancel a payment (a recalled duplicate).
        public static let recallCredited = TransactionCode("PMNT", "ICDT", "RPCR")
        public static let charge = TransactionCode("ACMT", "MDOP", "CHRG")
    }

    /// A batch booked as one entry (the payment file asked for batch booking, `BtchBookg`): what
    /// the bank says of the batch, and each transfer in it.
    public struct Batch: Sendable, Hashable {
        public struct Transaction: Sendable, Hashable {
            public var endToEndID: String
            public var amountVND: Int64

            public init(endToEndID: String, amountVND: Int64) {
                self.endToEndID = endToEndID
                self.amountVND = amountVND
            }
        }

        /// The payment file's message id.
        public var messageID: String?
        /// How many transfers and how much, as the bank declares them (`NbOfTxs`, `TtlAmt`).
        public var count: Int?
        public var totalVND: Int64?
        public var transactions: [Transaction]

        public init(messageID: String?, count: Int?, totalVND: Int64?, transactions: [Transaction]) {
            self.messageID = messageID
            self.count = count
            self.totalVND = totalVND
            self.transactions = transactions
        }
    }

    public struct Entry: Sendable, Hashable {
        /// The bank's own id of the entry: what makes taking a statement in twice change nothing.
        public var servicerReference: String
        public var amountVND: Int64
        public var direction: Direction
        /// A credit that undoes an earlier debit (or the reverse).
        public var reversal: Bool
        /// BOOK is final; PDNG may still change.
        public var status: String
        public var bookingDay: Day
        public var valueDay: Day
        public var code: TransactionCode
        /// The transfer's EndToEndId, when the entry is one transfer's.
        public var endToEndID: String?
        /// Why a transfer came back (AC04 closed, AC06 blocked, MD07 deceased, …).
        public var returnReason: String?
        /// A batch booked as this one entry, when it is one (its transfers are its details).
        public var batch: Batch?

        public init(servicerReference: String, amountVND: Int64, direction: Direction, reversal: Bool = false, status: String = "BOOK",
                    bookingDay: Day, valueDay: Day? = nil, code: TransactionCode, endToEndID: String? = nil, returnReason: String? = nil,
                    batch: Batch? = nil) {
            self.batch = batch
            self.servicerReference = servicerReference
            self.amountVND = amountVND
            self.direction = direction
            self.reversal = reversal
            self.status = status
            self.bookingDay = bookingDay
            self.valueDay = valueDay ?? bookingDay
            self.code = code
            self.endToEndID = endToEndID
            self.returnReason = returnReason
        }

        /// What the entry does to the balance.
        public var signedVND: Int64 { direction == .credit ? amountVND : -amountVND }
    }

    public var kind: Kind
    public var messageID: String
    /// The statement's (or notification's) id: a notification is taken in once by it.
    public var statementID: String
    /// The statement's number in the account's sequence: a gap means a statement missing (0 for a
    /// notification).
    public var sequenceNumber: Int
    public var createdAt: String
    public var account: String
    /// The bank's BIN (Vietcombank 970436, …).
    public var institution: String
    public var day: Day
    public var openingVND: Int64
    public var entries: [Entry]

    public init(kind: Kind = .statement, messageID: String, statementID: String, sequenceNumber: Int, createdAt: String, account: String,
                institution: String, day: Day, openingVND: Int64, entries: [Entry]) {
        self.kind = kind
        self.messageID = messageID
        self.statementID = statementID
        self.sequenceNumber = sequenceNumber
        self.createdAt = createdAt
        self.account = account
        self.institution = institution
        self.day = day
        self.openingVND = openingVND
        self.entries = entries
    }

    /// Opening plus the booked entries.
    public var closingVND: Int64 { openingVND + entries.filter { $0.status == "BOOK" }.reduce(0) { $0 + $1.signedVND } }
}
