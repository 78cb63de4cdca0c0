import ChitraCore
import PostgresNIO

/// The record of one shard of a run (`run_shards`): the plan writes it, the compute job that does
/// the shard marks it done exactly once, with what it computed. `chitra status --shards` lists them.
public struct RunShardRecord: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Hashable, Codable { case pending, done }

    public var shard: Int32
    public var lower: String
    public var upper: String?
    public var state: State
    public var members: Int?
    public var disbursements: Int?
    public var amountVND: Int64?
    public var jobID: Int64?
    public var attempt: Int32?

    /// A compute job for a shard its run's plan never recorded (enqueued by hand, or a bug).
    public struct Unknown: Error, CustomStringConvertible {
        public var runID: Int64
        public var shard: Int32
        public var generation: Int32
        public var description: String {
            "run \(runID) has no shard \(shard) in generation \(generation): its plan did not record one, so this compute job has nothing to do"
        }
    }

    /// The plan records its shards.
    static func insert(_ shards: [RunShard], district: String, on connection: PostgresConnection) async throws {
        guard let first = shards.first else { return }
        try await connection.perform(ShardsRecorded(runID: first.runID, unit: district, generation: first.generation, shards: shards.map(\.shard),
                                                    lowers: shards.map(\.lower), uppers: shards.map { $0.upper ?? "" }))
    }

    /// The shard's record, locked until the transaction ends: a second job for the same shard
    /// waits here, then finds it done.
    static func lock(runID: Int64, shard: Int32, generation: Int32, on connection: PostgresConnection) async throws -> RunShardRecord? {
        try await records(connection.send(RunShardRecordSQL.lock(runID: runID, shard: shard, generation: generation),
                                           logger: Database.quiet)).first
    }

    static func complete(runID: Int64, shard: Int32, members: Int, disbursements: Int, amount: Int64, job: RunComputer.Job?,
                         on connection: PostgresConnection) async throws {
        try await connection.perform(ShardDone(runID: runID, shard: shard, members: Int32(members), disbursements: Int32(disbursements),
                                               amount: amount, jobID: job?.id, attempt: job?.attempt))
    }

    /// Every shard of a run, in order.
    public static func list(runID: Int64, database: Database) async throws -> [RunShardRecord] {
        try await records(database.query(RunShardRecordSQL.list(runID: runID), "list the shards of run \(runID)"))
    }

    /// The shards not done, in order (a resumed run enqueues these).
    static func pending(runID: Int64, on connection: PostgresConnection) async throws -> [RunShardRecord] {
        try await records(connection.send(RunShardRecordSQL.list(runID: runID), logger: Database.quiet)).filter { $0.state == .pending }
    }

    private static func records(_ rows: PostgresRowSequence) async throws -> [RunShardRecord] { try await records(QueryRows(rows)) }

    private static func records(_ rows: QueryRows) async throws -> [RunShardRecord] {
        var records: [RunShardRecord] = []
        for try await (shard, lower, upper, state, members, disbursements, amount, job, attempt) in rows.decode(
            (Int32, String, String?, String, Int32?, Int32?, Int64?, Int64?, Int32?).self) {
            records.append(RunShardRecord(shard: shard, lower: lower, upper: upper, state: State(rawValue: state) ?? .pending,
                                          members: members.map(Int.init), disbursements: disbursements.map(Int.init),
                                          amountVND: amount, jobID: job, attempt: attempt))
        }
        return records
    }
}

/// The statements on `run_shards`.
enum RunShardRecordSQL {
    static let columns = "shard, lower_id, upper_id, state::text, members, disbursements, amount_vnd, job_id, attempt"

    static func lock(runID: Int64, shard: Int32, generation: Int32) -> PostgresQuery {
        """
        SELECT \(unescaped: columns) FROM run_shards
        WHERE run_id = \(runID) AND shard = \(shard) AND generation = \(generation) FOR UPDATE
        """
    }

    static func list(runID: Int64) -> PostgresQuery {
        "SELECT \(unescaped: columns) FROM run_shards WHERE run_id = \(runID) ORDER BY shard"
    }

    static func remove(runID: Int64) -> PostgresQuery {
        "DELETE FROM run_shards WHERE run_id = \(runID)"
    }
}
