import ChitraCore
import Foundation
import PostgresNIO

/// The `plan` step: marks the run's snapshot (the district's last register import), splits the
/// members into ranges of ids and enqueues one `compute` job per range, all in the transaction
/// that completes the plan job. Nothing is copied: an import arriving later keeps copies of what
/// it changes (see `RunSnapshotSQL`).
public enum RunPlanner {
    /// Beneficiaries per compute job. 5,000: a shard's reads and writes are a few statements of a
    /// few thousand rows each, a shard commits in a fraction of a second, and a million
    /// beneficiaries spread over 200 jobs, enough for every worker on every machine.
    public static let shardSize = 5_000

    public struct Plan: Sendable, Hashable {
        public var members: Int
        public var shards: [RunShard]
    }

    /// Another run of the district is computing; the plan waits for it.
    public struct DistrictBusy: Error, CustomStringConvertible {
        public var district: String
        public var period: String
        public var description: String { "district \(district) is still computing its run for \(period)" }
    }

    /// Returns the plan; nil when the run is not planning any more (cancelled, or planned by an
    /// earlier attempt of this job).
    public static func plan(runID: Int64, generation: Int32, shardSize: Int = shardSize,
                            on connection: PostgresConnection) async throws -> Plan? {
        guard let run = try await RunSQL.jobRun(id: runID, generation: generation, state: "planning", locked: true,
                                                on: connection) else { return nil }
        try await connection.query(RunPlanSQL.lockDistrict(run.district), logger: Database.quiet)
        for try await period in try await connection.query(RunPlanSQL.otherRunComputing(district: run.district, runID: runID),
                                                           logger: Database.quiet).decode(String.self) {
            throw DistrictBusy(district: run.district, period: period)
        }
        var importID: Int64 = 0
        for try await id in try await connection.query(RunPlanSQL.lastImport(district: run.district), logger: Database.quiet)
            .decode(Int64.self) { importID = id }
        var starts: [String] = []
        var members = 0
        for try await ids in try await connection.query(RunPlanSQL.memberIDs(district: run.district, period: run.period),
                                                        logger: Database.quiet).decode(String.self) {
            TabText.forEach(ids, fieldCount: 1) { row in
                if members % shardSize == 0 { starts.append(row.string(0)) }
                members += 1
            }
        }
        let shards = starts.indices.map { index in
            RunShard(runID: runID, generation: generation, shard: Int32(index), lower: starts[index],
                     upper: index + 1 < starts.count ? starts[index + 1] : nil)
        }
        var state = "computing"
        for try await next in try await connection.query(
            RunPlanSQL.planned(runID: runID, registerImportID: importID, members: members, shards: shards.count), logger: Database.quiet
        ).decode(String.self) { state = next }
        if state == "approved" {
            // No members, nothing to compute: approved at once (auto-approve, or approval off).
            try await RunSubmission.enqueue(runID: runID, generation: generation, district: run.district, on: connection)
        }
        let jobs = try shards.map { shard in
            try NewJob(kind: "compute", districtCode: run.district, encoding: shard,
                       uniqueKey: "compute:\(runID):\(generation):\(shard.shard)")
        }
        try await JobQueue.enqueue(jobs, on: connection)
        return Plan(members: members, shards: shards)
    }
}
