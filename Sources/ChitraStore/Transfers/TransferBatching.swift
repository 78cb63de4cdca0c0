import ChitraCore
import PostgresNIO

/// Puts a run's transfers into batches: one per institution and at most `maximumTransfers`, each
/// written with its transfers moved to `submitted` and a `transfer` job to send it, in one
/// transaction. Nothing is sent here: a batch goes out only from its job, at most once.
public enum TransferBatching {
    /// The job that sends one batch.
    /// Attempts of a `transfer` job: each after a lost answer or a failed inquiry; with the queue's
    /// backoff capped at an hour, about two days of asking before a person must look.
    public static let jobMaxAttempts: Int32 = 60

    public struct JobArgs: Codable, Sendable {
        public var batchID: Int64
        public var runID: Int64
    }

    public struct Batch: Sendable, Hashable {
        public var id: Int64
        public var messageID: String
        public var transfers: Int
    }

    /// The priority of work on the rails already begun (`JobQueue` takes lower first within a unit):
    /// a batch sent whose answer is awaited, a batch of transfers sent again, the run's driver
    /// between passes. Batches made by the tens at approval wait for their turn; without it, a
    /// batch whose answer was lost waited behind all of them (the payout benchmark: sent at 16 s,
    /// a 503, answered at 46 s, the month's last).
    public static let begunPriority: Int16 = -1

    /// The transfers per batch: the payment file's documented bound (10,000).
    public static let maximumTransfers = 10_000

    /// Batches what is due on `rail` by `time` (retries due then), each transfer with its creditor.
    /// Returns the batches made.
    public static func batchDue(runID: Int64, district: String, period: Period, rail: Rail, maximumTransfers: Int = maximumTransfers,
                                time: DatabaseTime = .database, database: Database) async throws -> [Batch] {
        try await database.transaction("batch run \(runID)'s \(rail.rawValue) transfers") { connection in
            let scope = TransferScope(runID: runID, district: district, rail: rail, selection: .due, now: time.now)
            return try await batch(scope, period: period, limit: maximumTransfers, requestedBy: nil, on: connection)
        }
    }

    /// Batches everything in `scope` on `connection` (one statement), enqueuing a job per batch.
    static func batch(_ scope: TransferScope, period: Period, limit: Int, requestedBy: String?,
                      on connection: PostgresConnection) async throws -> [Batch] {
        let prefix = messagePrefix(rail: scope.rail, district: scope.district, period: period)
        var batches: [Batch] = []
        let query = TransferSQL.batch(scope, limit: limit, messagePrefix: prefix, requestedBy: requestedBy)
        for try await (id, messageID, count) in try await connection.send(query, logger: Database.quiet).decode((Int64, String, Int64).self) {
            batches.append(Batch(id: id, messageID: messageID, transfers: Int(count)))
        }
        for made in batches {
            let job = try NewJob(kind: .transfer, districtCode: scope.district, encoding: JobArgs(batchID: made.id, runID: scope.runID),
                                 uniqueKey: "transfer:\(made.id)", maxAttempts: jobMaxAttempts)
            _ = try await JobQueue.enqueue(job, on: connection)
        }
        return batches
    }

    /// Batches that go out again: transfers a gateway never received, in a new batch of the same
    /// institution (same EndToEndIds, one more attempt). Runs in the caller's transaction.
    static func resend(endToEndIDs: [String], from batch: TransferBatchRecord, on connection: PostgresConnection) async throws -> Batch? {
        let query = TransferSQL.rebatch(ids: endToEndIDs, from: batch.id,
                                        messagePrefix: messagePrefix(rail: batch.rail, district: batch.district, period: batch.period))
        var made: Batch?
        for try await (id, messageID, count) in try await connection.send(query, logger: Database.quiet).decode((Int64, String, Int64).self) {
            made = Batch(id: id, messageID: messageID, transfers: Int(count))
        }
        guard let made else { return nil }
        let job = try NewJob(kind: .transfer, districtCode: batch.district, encoding: JobArgs(batchID: made.id, runID: batch.runID),
                             uniqueKey: "transfer:\(made.id)", priority: begunPriority, maxAttempts: jobMaxAttempts)
        _ = try await JobQueue.enqueue(job, on: connection)
        return made
    }

    /// `B` (bank) or `W` (wallet), the district, the month, `N`; the batch's id follows. At most
    /// 11 + 19 characters, letters and digits: a valid MsgId.
    static func messagePrefix(rail: Rail, district: String, period: Period) -> String {
        (rail == .bank ? "B" : "W") + district + "\(period.year)" + (period.month < 10 ? "0" : "") + "\(period.month)" + "N"
    }
}
