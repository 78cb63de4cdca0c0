import ChitraCore
import ChitraStore

/// The handlers of the monthly run. Each does its whole step in the transaction that completes
/// its job: a worker dying half-way leaves nothing behind, and the rescued job starts clean.
public enum RunHandlers {
    /// The kinds of job that compute a run (plan, then one compute per shard).
    public static let computeKinds = JobKind.computing

    public static func all(policy: PolicyTable, shardSize: Int = RunPlanner.shardSize,
                           computeMaxAttempts: Int32 = NewJob.defaultMaxAttempts, rails: RailSet = .none, hooks: Hooks = Hooks()) -> [any JobHandler] {
        let calculator = EntitlementCalculator(policy: policy)
        return [Plan(shardSize: shardSize, computeMaxAttempts: computeMaxAttempts, calculator: calculator, hooks: hooks),
                Compute(calculator: calculator, hooks: hooks),
                SubmitHandler(rails: rails), TransferHandler(rails: rails, hooks: hooks),
                StatementFetchHandler(rails: rails), StatementRecallHandler(rails: rails),
                StatementNotificationHandler(rails: rails)]
    }

    /// Runs a step; when it fails on the job's last attempt, the run fails too, with the reason,
    /// so that `status` and `run --wait` say why instead of the run waiting for a job that will
    /// never come back. (Snoozes, discards, cancels and a busy district are not failures.)
    static func failingRunOnLastAttempt<T: Sendable>(_ context: JobContext, runID: Int64, generation: Int32,
                                                     _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            let expected = error is JobSnooze || error is JobDiscard || error is JobCancel || error is RunPlanner.DistrictBusy
                || error is any RunStoppingError
            if !expected, context.job.attempt >= context.job.maxAttempts {
                let reason = "its \(context.job.kind) job \(context.job.id) failed on its last attempt "
                    + "(\(context.job.attempt) of \(context.job.maxAttempts)): \(error)"
                try? await RunFailure.markFailed(runID: runID, generation: generation, reason: reason, database: context.database)
            }
            throw error
        }
    }

    /// Points where diagnostics may step in (crash tests).
    public struct Hooks: Sendable {
        /// Called inside a compute job's transaction once the shard is written, before it commits.
        public var afterShardWrites: (@Sendable () -> Void)?
        /// Called once a batch's request has been answered (or not), before its outcome is written.
        public var afterPosting: (@Sendable () -> Void)?
        public init() {}
    }

    /// Marks the run's snapshot and enqueues a `compute` job per shard; a run of one shard (most
    /// communes) is computed here, in the plan's transaction. While another run of the district
    /// computes, the plan waits (snoozed): runs read what earlier runs paid.
    public struct Plan: JobHandler {
        public let kind = JobKind.plan
        public static let busyWait = Duration.seconds(5)
        let shardSize: Int
        let computeMaxAttempts: Int32
        let calculator: EntitlementCalculator
        let hooks: Hooks

        public init(shardSize: Int = RunPlanner.shardSize, computeMaxAttempts: Int32 = NewJob.defaultMaxAttempts,
                    calculator: EntitlementCalculator, hooks: Hooks = Hooks()) {
            self.shardSize = shardSize
            self.computeMaxAttempts = computeMaxAttempts
            self.calculator = calculator
            self.hooks = hooks
        }

        public func run(_ context: JobContext) async throws {
            let args = try context.job.decodeArgs(RunCoordinator.PlanArgs.self)
            let job = RunComputer.Job(id: context.job.id, attempt: context.job.attempt)
            do {
                let plan = try await failingRunOnLastAttempt(context, runID: args.runID, generation: args.generation) {
                    try await context.withCompletingTransaction { connection in
                        try await RunPlanner.plan(runID: args.runID, generation: args.generation, shardSize: shardSize,
                                                  computeMaxAttempts: computeMaxAttempts,
                                                  computingLoneShard: .init(calculator: calculator, job: job, afterWrites: hooks.afterShardWrites),
                                                  on: connection)
                    }
                }
                context.logger.info("run planned", metadata: ["chitra.run_id": "\(args.runID)", "members": "\(plan?.members ?? 0)",
                                                              "shards": "\(plan?.shards.count ?? 0)",
                                                              "computed": "\(plan?.computed != nil)"])
            } catch let busy as RunPlanner.DistrictBusy {
                context.logger.info("run waits", metadata: ["chitra.run_id": "\(args.runID)", "reason": "\(busy)"])
                throw JobSnooze(for: Self.busyWait)
            }
        }
    }

    /// Computes one shard: lines and disbursements, then counts the shard done.
    public struct Compute: JobHandler {
        public let kind = JobKind.compute
        let calculator: EntitlementCalculator
        let hooks: Hooks

        public init(calculator: EntitlementCalculator, hooks: Hooks = Hooks()) {
            self.calculator = calculator
            self.hooks = hooks
        }

        public func run(_ context: JobContext) async throws {
            let args = try context.job.decodeArgs(RunShard.self)
            let job = RunComputer.Job(id: context.job.id, attempt: context.job.attempt)
            do {
                let result = try await failingRunOnLastAttempt(context, runID: args.runID, generation: args.generation) {
                    try await context.withCompletingTransaction { connection in
                        let result = try await RunComputer.compute(args, job: job, calculator: calculator, on: connection)
                        if result?.alreadyDone != true { hooks.afterShardWrites?() }
                        return result
                    }
                }
                if result?.alreadyDone == true {
                    context.logger.notice("shard already done by another job; this one changed nothing",
                                          metadata: ["chitra.run_id": "\(args.runID)", "chitra.shard": "\(args.shard)"])
                }
            } catch let error as any RunStoppingError {
                // Retrying cannot mend it: the run fails with the reason, and the job is discarded.
                let reason = "shard \(args.shard) stopped: \(error.description)"
                try await RunFailure.markFailed(runID: args.runID, generation: args.generation, reason: reason, database: context.database)
                throw JobDiscard(reason)
            } catch let unknown as RunShardRecord.Unknown {
                // A job for a shard the plan never recorded: nothing to compute, and the run is not at fault.
                throw JobDiscard(unknown.description)
            }
        }
    }
}
