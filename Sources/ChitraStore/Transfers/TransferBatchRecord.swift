import ChitraCore
import PostgresNIO

/// One batch as its `transfer` job sees it: where it goes, where it stands, who pays.
public struct TransferBatchRecord: Sendable, Hashable {
    public var id: Int64
    public var messageID: String
    public var runID: Int64
    public var district: String
    public var rail: Rail
    public var institution: String
    public var state: TransferBatchState
    public var period: Period
    /// The name the district pays under (its paying account's, or the district's).
    public var debtorName: String
    /// The district's paying account; a bank batch cannot be sent without it.
    public var payingAccount: DistrictSettings.PayingAccount?
    /// How long ago it was posted (zero if not yet), by the database's clock.
    public var sincePosted: Duration

    public struct Unknown: Error, Sendable, CustomStringConvertible {
        public var batchID: Int64
        public var description: String { "transfer batch \(batchID) does not exist" }
    }

    public static func load(id: Int64, database: Database) async throws -> TransferBatchRecord {
        let rows = try await database.query(TransferSQL.loadBatch(id: id), "read transfer batch \(id)")
        for try await row in rows.decode((String, Int64, String, String, String, String, String, String, String?, String?, Int64).self) {
            let (messageID, runID, district, rail, institution, state, period, debtorName, account, bank, sincePosted) = row
            guard let rail = Rail(rawValue: rail), let state = TransferBatchState(rawValue: state),
                  let period = Period(period.prefix(7)) else { throw Unknown(batchID: id) }
            let paying = account.flatMap { account in bank.map { DistrictSettings.PayingAccount(name: debtorName, account: account, bank: $0) } }
            return TransferBatchRecord(id: id, messageID: messageID, runID: runID, district: district, rail: rail, institution: institution,
                                       state: state, period: period, debtorName: debtorName, payingAccount: paying,
                                       sincePosted: .milliseconds(sincePosted))
        }
        throw Unknown(batchID: id)
    }

    /// The transfers of this batch whose outcome is not known yet.
    public func openTransfers(database: Database) async throws -> [OpenTransfer] {
        var transfers: [OpenTransfer] = []
        let rows = try await database.query(TransferSQL.submittedTransfers(batchID: id, runID: runID), "read the transfers of batch \(messageID)")
        for try await (id, beneficiary, amount, institution, account, name, attempts) in rows
            .decode((String, String, Int64, String?, String?, String?, Int32).self) {
            transfers.append(OpenTransfer(endToEndID: id, beneficiaryID: beneficiary, amount: Money(dong: amount), rail: rail,
                                          institution: institution ?? "", account: account ?? "", accountName: name ?? "",
                                          state: .submitted, attempts: Int(attempts), batchMessageID: messageID))
        }
        return transfers
    }

    /// Marks the batch `posting`, committed before anything is sent. False when it was not
    /// `prepared` any more (another attempt got there first): then it must not be posted.
    public func markPosting(database: Database) async throws -> Bool {
        var marked = false
        for try await _ in try await database.query(TransferSQL.markPosting(batchID: id), "mark batch \(messageID) as being sent")
            .decode(Int64.self) { marked = true }
        return marked
    }
}

/// A transfer whose outcome Chitra is waiting for.
public struct OpenTransfer: Sendable, Hashable {
    public var endToEndID: String
    public var beneficiaryID: String
    public var amount: Money
    public var rail: Rail
    public var institution: String
    public var account: String
    public var accountName: String
    public var state: DisbursementState
    public var attempts: Int
    /// The MsgId of the batch it went out in.
    public var batchMessageID: String

    public init(endToEndID: String, beneficiaryID: String, amount: Money, rail: Rail, institution: String, account: String,
                accountName: String, state: DisbursementState, attempts: Int, batchMessageID: String) {
        self.endToEndID = endToEndID
        self.beneficiaryID = beneficiaryID
        self.amount = amount
        self.rail = rail
        self.institution = institution
        self.account = account
        self.accountName = accountName
        self.state = state
        self.attempts = attempts
        self.batchMessageID = batchMessageID
    }
}

extension TransferBatchRecord {
    /// Records what the gateway said of this batch's transfers (answer or inquiries), and marks the
    /// batch answered when none of its transfers is left without an outcome; `problem` is kept on
    /// the batch otherwise. In the caller's transaction.
    public func record(_ answers: [(OpenTransfer, DisbursementStateMachine.Answer)], problem: String?, retry: RetryPolicy,
                       inquiryInterval: Duration, time: DatabaseTime = .database,
                       on connection: PostgresConnection) async throws -> TransferOutcomes.Summary {
        let summary = try await TransferOutcomes.record(answers, batch: self, retry: retry, inquiryInterval: inquiryInterval, time: time,
                                                        on: connection)
        try await connection.execute(TransferSQL.markAnsweredIfDone(batchID: id, runID: runID, error: problem), logger: Database.quiet)
        return summary
    }
}
