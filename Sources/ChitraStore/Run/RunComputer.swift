import ChitraCore
import Foundation
import PostgresNIO

/// The `compute` step for one shard: takes the shard's record (a shard already done makes the job
/// a no-op), reads its members and what other runs paid them in five range scans, computes every
/// member with the calculator, writes lines and disbursements (one `unnest` insert each; a month of
/// one regular line of the disbursement's amount is implied by the disbursement), records
/// the shard done with its totals, and counts it on the run; the last shard moves the run on — all
/// in the transaction that completes the compute job.
public enum RunComputer {
    public struct Result: Sendable, Hashable {
        public var members: Int
        public var lines: Int
        public var disbursements: Int
        /// The run's state after this shard.
        public var runState: RunState
        /// The shard was already done (by another job): nothing was computed or written.
        public var alreadyDone: Bool = false
    }

    /// The job computing a shard, recorded on it.
    public struct Job: Sendable, Hashable {
        public var id: Int64
        public var attempt: Int32
        public init(id: Int64, attempt: Int32) {
            self.id = id
            self.attempt = attempt
        }
    }

    /// Returns nil when the run is not computing (any more) under this generation.
    public static func compute(_ shard: RunShard, job: Job? = nil, calculator: EntitlementCalculator,
                               on connection: PostgresConnection) async throws -> Result? {
        // Lock order, shared with cancel and approval: the run's row first (KEY SHARE: shards do not
        // block each other; a cancel waits for them, or they find the run cancelled), then the shard's.
        guard let run = try await RunSQL.jobRun(id: shard.runID, generation: shard.generation, step: .compute, on: connection) else { return nil }
        guard let record = try await RunShardRecord.lock(runID: shard.runID, shard: shard.shard, generation: shard.generation,
                                                         on: connection) else {
            throw RunShardRecord.Unknown(runID: shard.runID, shard: shard.shard, generation: shard.generation)
        }
        guard record.state == .pending else {
            return Result(members: 0, lines: 0, disbursements: 0, runState: .computing, alreadyDone: true)
        }
        let range = RunShard(runID: shard.runID, generation: shard.generation, shard: shard.shard, lower: record.lower, upper: record.upper)
        return try await computeHeld(range, run: run, job: job, calculator: calculator, on: connection)
    }

    /// The shard computed, its run's row and its record held by this transaction already: by a
    /// compute job once it locked them, or by the plan computing its run's lone shard (which holds
    /// the run's row for update and has just recorded the shard, pending) without reading either again.
    static func computeHeld(_ shard: RunShard, run: RunSQL.JobRun, job: Job?, calculator: EntitlementCalculator,
                            on connection: PostgresConnection) async throws -> Result {
        let reader = RunShardReader(shard: shard, run: run)
        let (members, history) = try await reader.read(on: connection)

        var writer = RunShardWriter(runID: shard.runID, shard: shard.shard, district: run.district, period: run.period)
        for member in members {
            let result = try calculator.compute(period: run.period, facts: member.facts, versions: member.versions,
                                                history: history.paid[member.id] ?? PaymentHistory())
            // Nothing owed and nothing to correct (e.g. a month another run already settled): no disbursement.
            guard !result.lines.isEmpty,
                  let program = RegisterVersion.inForce(at: run.period, among: member.versions)?.program else { continue }
            let implied = result.isOneRegularLine(of: run.period)
            for line in result.lines {
                writer.lines.append(.init(beneficiaryID: member.id, month: line.month, kind: line.kind, amount: line.amount.dong,
                                          implied: implied))
            }
            writer.disbursements.append(.init(beneficiaryID: member.id, program: program, amount: result.disbursement.dong,
                                              pendingRecovery: result.pendingRecovery.dong, method: member.method, linesImplied: implied))
        }
        let written = try await writer.write(rowsMayBeThere: history.ownPeriodLines, on: connection)
        try await RunShardRecord.complete(runID: shard.runID, shard: shard.shard, members: members.count,
                                          disbursements: written.disbursements, amount: written.totals.amount, job: job, on: connection)
        let state = try await RunCompletion.shardCounted(runID: shard.runID, generation: shard.generation, district: run.district,
                                                         members: members.count, on: connection)
        return Result(members: members.count, lines: written.lines, disbursements: written.disbursements, runState: state)
    }

    /// The run left `computing` (cancelled, re-triggered) while a shard computed; the shard's
    /// transaction rolls back.
    public struct RunChanged: Error, CustomStringConvertible {
        public var runID: Int64
        public var description: String { "run \(runID) is no longer computing; this shard's work was rolled back" }
    }
}
