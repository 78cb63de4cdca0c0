import ChitraCore
import Foundation
import PostgresNIO

/// The `plan` step: snapshots who the run computes and enqueues one `compute` job per shard,
/// all in the transaction that completes the plan job.
public enum RunPlanner {
    /// Beneficiaries per compute job. 5,000: a shard's reads and writes are a few statements of
    /// a few thousand rows each, and a million beneficiaries spread over 200 jobs, enough for
    /// every worker on every machine.
    public static let shardSize = 5_000

    public struct ComputeArgs: Codable, Sendable {
        public var runID: Int64
        public var generation: Int32
        public var shard: Int32
    }

    /// Returns the number of members and shards; (0, 0) when the run is not planning any more.
    @discardableResult
    public static func plan(runID: Int64, generation: Int32, shardSize: Int = shardSize,
                            on connection: PostgresConnection) async throws -> (members: Int, shards: Int) {
        var run: (district: String, period: String)?
        for try await (district, period) in try await connection.query(
            RunSQL.run(id: runID, generation: generation, state: "planning", locked: true), logger: Database.quiet
        ).decode((String, String).self) {
            run = (district, period)
        }
        guard let run, let period = Period(run.period) else { return (0, 0) }
        try await connection.query(RunSQL.snapshot(runID: runID, district: run.district, period: period, shardSize: shardSize),
                                   logger: Database.quiet)
        var counts = (members: 0, shards: 0)
        for try await (members, shards) in try await connection.query(RunSQL.planned(runID: runID), logger: Database.quiet)
            .decode((Int32, Int32).self) {
            counts = (Int(members), Int(shards))
        }
        let jobs = try (0..<counts.shards).map { shard in
            try NewJob(kind: "compute", districtCode: run.district,
                       encoding: ComputeArgs(runID: runID, generation: generation, shard: Int32(shard)),
                       uniqueKey: "compute:\(runID):\(generation):\(shard)")
        }
        try await JobQueue.enqueue(jobs, on: connection)
        return counts
    }
}
