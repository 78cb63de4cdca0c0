import ChitraCore
import Foundation
import PostgresNIO

/// The `plan` step: marks the run's snapshot (the last import id given out), splits the
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

    /// One compute job per shard; a resumed run's jobs get keys of their own (the keys of jobs that
    /// completed as no-ops while the run was failed are still taken).
    static func computeJobs(_ shards: [RunShard], district: String, resumes: Int32,
                            maxAttempts: Int32 = NewJob.defaultMaxAttempts) throws -> [NewJob] {
        try shards.map { shard in
            try NewJob(kind: RunJobKind.compute, districtCode: district, encoding: shard,
                       uniqueKey: "compute:\(shard.runID):\(shard.generation):\(shard.shard)" + (resumes > 0 ? ":r\(resumes)" : ""),
                       maxAttempts: maxAttempts)
        }
    }

    /// Returns the plan; nil when the run is not planning any more (cancelled, or planned by an
    /// earlier attempt of this job).
    public static func plan(runID: Int64, generation: Int32, shardSize: Int = shardSize,
                            computeMaxAttempts: Int32 = NewJob.defaultMaxAttempts, on connection: PostgresConnection) async throws -> Plan? {
        guard let run = try await RunSQL.jobRun(id: runID, generation: generation, state: .planning, lock: .update,
                                                on: connection) else { return nil }
        try await connection.send(RunPlanSQL.lockDistrict(run.district), logger: Database.quiet)
        for try await period in try await connection.send(RunPlanSQL.otherRunComputing(district: run.district, runID: runID),
                                                           logger: Database.quiet).decode(String.self) {
            throw DistrictBusy(district: run.district, period: period)
        }
        var importID: Int64 = 0
        for try await id in try await connection.send(RunPlanSQL.snapshotMark, logger: Database.quiet)
            .decode(Int64.self) { importID = id }
        var starts: [String] = []
        var members = 0
        for try await ids in try await connection.send(RunPlanSQL.memberIDs(district: run.district, period: run.period),
                                                        logger: Database.quiet).decode(String.self) {
            try TabText.forEach(ids, fieldCount: 1) { row in
                if members % shardSize == 0 { starts.append(row.string(0)) }
                members += 1
            }
        }
        let shards = starts.indices.map { index in
            RunShard(runID: runID, generation: generation, shard: Int32(index), lower: starts[index],
                     upper: index + 1 < starts.count ? starts[index + 1] : nil)
        }
        var settings: RunStateSQL.ApprovalSettings?
        for try await (autoApprove, approvalRequired) in try await connection.send(
            RunStateSQL.planRecorded(runID: runID, registerImportID: importID, members: members, shards: shards.count),
            logger: Database.quiet
        ).decode((Bool, Bool).self) { settings = .init(autoApprove: autoApprove, approvalRequired: approvalRequired) }
        guard let settings else { return nil }
        if shards.isEmpty {
            // No members, nothing to compute: the run moves on at once, as after its last shard.
            _ = try await RunCompletion.finish(runID: runID, generation: generation, district: run.district, settings: settings,
                                               on: connection)
        }
        try await RunShardRecord.insert(shards, district: run.district, on: connection)
        try await JobQueue.enqueue(try computeJobs(shards, district: run.district, resumes: 0, maxAttempts: computeMaxAttempts),
                                   on: connection)
        return Plan(members: members, shards: shards)
    }
}
