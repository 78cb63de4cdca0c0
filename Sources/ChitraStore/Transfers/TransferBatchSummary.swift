import ChitraCore
import PostgresNIO

/// A run's payment files and wallet batches as finance sees them: which went where, in what state,
/// and how many of their transfers are failed now (those `chitra retry --batch` sends again).
public struct TransferBatchSummary: Sendable, Hashable, Codable {
    public var messageID: String
    public var rail: String
    public var institution: String
    public var state: String
    public var transfers: Int
    public var amountVND: Int64
    public var failedNow: Int
    public var requestedBy: String?

    /// The batches of district `district`'s run for `period`, oldest first.
    public static func list(district: String, period: Period, database: Database) async throws -> [TransferBatchSummary] {
        var batches: [TransferBatchSummary] = []
        let rows = try await database.query(TransferBatchSummarySQL.list(district: district, period: period), "list the batches of district \(district)")
        for try await (message, rail, institution, state, transfers, amount, failed, requestedBy) in rows.decode(
            (String, String, String, String, Int32, Int64, Int64, String?).self) {
            batches.append(TransferBatchSummary(messageID: message, rail: rail, institution: institution, state: state, transfers: Int(transfers),
                                                amountVND: amount, failedNow: Int(failed), requestedBy: requestedBy))
        }
        return batches
    }
}

enum TransferBatchSummarySQL {
    static func list(district: String, period: Period) -> PostgresQuery {
        """
        SELECT b.message_id, b.rail, b.institution, b.state, b.transfers, b.amount_vnd,
               (SELECT count(*) FROM disbursements d WHERE \(unescaped: TransferSQL.inBatch("b.id", ofRun: "b.run_id", members: "b.members")) AND d.state = 'failed'), b.requested_by
        FROM transfer_batches b JOIN runs r ON r.id = b.run_id
        WHERE r.unit_code = \(district) AND r.period = \(period)
        ORDER BY b.id
        """
    }
}
