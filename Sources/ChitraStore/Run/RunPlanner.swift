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
        /// The run's one shard was computed by the plan itself, in its transaction (no compute job).
        public var computed: RunComputer.Result?
    }

    /// What a plan needs to compute a run of one shard itself: the calculator, the plan's job (recorded
    /// on the shard) and a hook called once the shard is written, before the plan commits (crash tests).
    public struct LoneShard: Sendable {
        public var calculator: EntitlementCalculator
        public var job: RunComputer.Job
        public var afterWrites: (@Sendable () -> Void)?
        public init(calculator: EntitlementCalculator, job: RunComputer.Job, afterWrites: (@Sendable () -> Void)? = nil) {
            self.calculator = calculator
            self.job = job
            self.afterWrites = afterWrites
        }
    }

    /// Another run of the district is computing; the plan waits for it.
    public struct DistrictBusy: Error, CustomStringConvertible {
        public var district: String
        public var period: String
        public var description: String { "district \(district) is still computing its run for \(period)" }
    }

    /// One compute job per shard; a resumed run's jobs get keys of their own (the keys of jobs that
    /// completed as no-ops while the run was failed are still taken).
    static func computeJobs(_ shards: [RunShard], district: String, period: Period, resumes: Int32,
                            maxAttempts: Int32 = NewJob.defaultMaxAttempts) throws -> [NewJob] {
        try shards.map { shard in
            try NewJob(kind: JobKind.compute, districtCode: district, encoding: ComputeArgs(shard: shard, period: period.description),
                       uniqueKey: "compute:\(shard.runID):\(shard.generation):\(shard.shard)" + (resumes > 0 ? ":r\(resumes)" : ""),
                       maxAttempts: maxAttempts)
        }
    }

    /// Returns the plan; nil when the run is not planning any more (cancelled, or planned by an
    /// earlier attempt of this job). With `computingLoneShard`, a run of one shard is computed by
    /// the plan itself, in its transaction, instead of by a compute job: most communes are one
    /// shard, and their month is then one transaction and one job instead of two of each. A shard
    /// that stops there (a policy gap, a conflicting row) is rolled back to before it and left to a
    /// compute job as any other, which fails the run with the reason; `run resume` finds its shard.
    public static func plan(runID: Int64, generation: Int32, shardSize: Int = shardSize,
                            computeMaxAttempts: Int32 = NewJob.defaultMaxAttempts, computingLoneShard lone: LoneShard? = nil,
                            on connection: PostgresConnection) async throws -> Plan? {
        guard let run = try await RunSQL.jobRun(id: runID, generation: generation, step: .plan, on: connection) else { return nil }
        _ = try await connection.first(UnitLockedForPlan(unit: run.district))
        if let period = try await connection.first(OtherRunComputing(unit: run.district, runID: runID)) {
            throw DistrictBusy(district: run.district, period: period)
        }
        let importID = try await connection.first(SnapshotMark()) ?? 0
        var starts: [String] = []
        var members = 0
        if let ids = try await connection.first(PlanMemberIDs(unit: run.district, period: run.period)) {
            try TabText.forEach(ids, fieldCount: 1) { row in
                if members % shardSize == 0 { starts.append(row.string(0)) }
                members += 1
            }
        }
        let shards = starts.indices.map { index in
            RunShard(runID: runID, generation: generation, shard: Int32(index), lower: starts[index],
                     upper: index + 1 < starts.count ? starts[index + 1] : nil)
        }
        guard let (autoApprove, approvalRequired) = try await connection.first(
            PlanRecorded(runID: runID, registerImportID: importID, members: Int32(members), shards: Int32(shards.count))
        ) else { return nil }
        let settings = RunStateSQL.ApprovalSettings(autoApprove: autoApprove, approvalRequired: approvalRequired)
        if shards.isEmpty {
            // No members, nothing to compute: the run moves on at once, as after its last shard.
            _ = try await RunCompletion.finish(runID: runID, generation: generation, district: run.district, settings: settings,
                                               on: connection)
        }
        try await RunShardRecord.insert(shards, district: run.district, on: connection)
        if let lone, shards.count == 1,
           let computed = try await computeHere(shards[0], run: .init(district: run.district, period: run.period, registerImportID: importID),
                                                lone, on: connection) {
            return Plan(members: members, shards: shards, computed: computed)
        }
        try await JobQueue.enqueue(try computeJobs(shards, district: run.district, period: run.period, resumes: 0, maxAttempts: computeMaxAttempts),
                                   on: connection)
        return Plan(members: members, shards: shards)
    }

    /// The lone shard computed in the plan's transaction; nil when it stopped (rolled back: a
    /// compute job will do it).
    private static func computeHere(_ shard: RunShard, run: RunSQL.JobRun, _ lone: LoneShard,
                                    on connection: PostgresConnection) async throws -> RunComputer.Result? {
        try await connection.execute("SAVEPOINT lone_shard", logger: Database.quiet)
        do {
            let result = try await RunComputer.computeHeld(shard, run: run, job: lone.job, calculator: lone.calculator, on: connection)
            try await connection.execute("RELEASE SAVEPOINT lone_shard", logger: Database.quiet)
            lone.afterWrites?()
            return result
        } catch is any RunStoppingError {
            try await connection.execute("ROLLBACK TO SAVEPOINT lone_shard", logger: Database.quiet)
            return nil
        }
    }
}
