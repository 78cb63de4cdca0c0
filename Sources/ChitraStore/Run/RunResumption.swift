import ChitraCore
import PostgresNIO

/// `chitra run resume`: a failed run, once its cause is fixed (a policy table extended, a row
/// corrected), completes the steps that did not: its plan again if it never recorded one, else a
/// compute job for every shard not done, under the same generation. Shards that committed keep
/// what they wrote and are not computed again.
public enum RunResumption {
    public enum Outcome: Sendable, Hashable, CustomStringConvertible {
        case planAgain(district: String, period: String, runID: Int64)
        case shardsAgain(district: String, period: String, runID: Int64, shards: Int, of: Int)

        public var description: String {
            switch self {
            case .planAgain(let district, let period, let runID):
                "Resumed run \(runID) of district \(district) for \(period): its plan runs again."
            case .shardsAgain(let district, let period, let runID, let shards, let total):
                "Resumed run \(runID) of district \(district) for \(period): \(shards) of its \(total) shards compute again; "
                    + "the \(total - shards) done keep what they wrote."
            }
        }
    }

    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case noRun(district: String, period: String)
        case notFailed(district: String, period: String, state: RunState)

        public var description: String {
            switch self {
            case .noRun(let district, let period): "\(PayoutUnitCode.named(district)) has no run for \(period)."
            case .notFailed(let district, let period, let state):
                "The run of district \(district) for \(period) is \(state.rawValue); only a failed run can be resumed."
            }
        }
    }

    public static func resume(district: String, period: Period, by identity: Identity, database: Database) async throws -> Outcome {
        try await database.transaction("resume the run of district \(district)") { connection in
            guard let run = try await RunSQL.lockExisting(district: district, period: period, on: connection) else {
                throw Failure.noRun(district: district, period: period.description)
            }
            let next: RunState, action: RunStateMachine.Resume
            do {
                (next, action) = try RunStateMachine(run.state).resume(planRecorded: run.shards != nil)
            } catch {
                throw Failure.notFailed(district: district, period: period.description, state: run.state)
            }
            var resumes: Int32 = 0
            var settings = RunStateSQL.ApprovalSettings(autoApprove: false, approvalRequired: true)
            for try await (count, autoApprove, approvalRequired) in try await connection.send(
                RunStateSQL.resume(runID: run.id, to: next), logger: Database.quiet).decode((Int32, Bool, Bool).self) {
                resumes = count
                settings = .init(autoApprove: autoApprove, approvalRequired: approvalRequired)
            }
            try await AuditLog.append(AuditEntry(by: identity, .resumeRun, district: district, period: period, subject: "run \(run.id)",
                                                 before: ["state": .text(run.state.rawValue)], after: ["state": .text(next.rawValue)]),
                                      on: connection)
            switch action {
            case .plan:
                let job = try NewJob(kind: JobKind.plan, districtCode: district,
                                     encoding: RunCoordinator.PlanArgs(runID: run.id, generation: run.generation, period: period.description),
                                     uniqueKey: "plan:\(district):\(period):\(run.generation):r\(resumes)")
                _ = try await JobQueue.enqueue(job, on: connection)
                return .planAgain(district: district, period: period.description, runID: run.id)
            case .computeRemainingShards:
                let pending = try await RunShardRecord.pending(runID: run.id, on: connection)
                let shards = pending.map {
                    RunShard(runID: run.id, generation: run.generation, shard: $0.shard, lower: $0.lower, upper: $0.upper)
                }
                if shards.isEmpty {
                    // Every shard had committed when the run failed: it moves on as after its last shard.
                    _ = try await RunCompletion.finish(runID: run.id, generation: run.generation, district: district, settings: settings,
                                                       on: connection)
                }
                try await JobQueue.enqueue(try RunPlanner.computeJobs(shards, district: district, period: period, resumes: resumes), on: connection)
                return .shardsAgain(district: district, period: period.description, runID: run.id, shards: shards.count,
                                    of: Int(run.shards ?? 0))
            }
        }
    }
}
