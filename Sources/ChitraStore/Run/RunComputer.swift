import ChitraCore
import Foundation
import PostgresNIO

/// The `compute` step for one shard: reads the shard's members and what other runs paid them in
/// five range scans, computes every member with the calculator, writes lines and disbursements by
/// COPY, adds the shard's control totals to the run's and counts the shard done — all in the
/// transaction that completes the compute job.
public enum RunComputer {
    public struct Result: Sendable, Hashable {
        public var members: Int
        public var lines: Int
        public var disbursements: Int
        /// The run's state after this shard.
        public var runState: String
    }

    /// Returns nil when the run is not computing (any more) under this generation.
    public static func compute(_ shard: RunShard, calculator: EntitlementCalculator,
                               on connection: PostgresConnection) async throws -> Result? {
        guard let run = try await RunSQL.jobRun(id: shard.runID, generation: shard.generation, state: "computing", locked: false,
                                                on: connection) else { return nil }
        let reader = RunShardReader(shard: shard, run: run)
        let members = try await reader.members(on: connection)
        let history = try await reader.history(on: connection)

        var writer = RunShardWriter(runID: shard.runID, district: run.district, period: run.period)
        for member in members {
            let result = try calculator.compute(period: run.period, facts: member.facts, versions: member.versions,
                                                history: history[member.id] ?? PaymentHistory())
            // Nothing owed and nothing to correct (e.g. a month another run already settled): no disbursement.
            guard !result.lines.isEmpty,
                  let program = RegisterVersion.inForce(at: run.period, among: member.versions)?.program else { continue }
            for line in result.lines {
                writer.lines.append(.init(beneficiaryID: member.id, month: line.month, kind: line.kind, amount: line.amount.dong))
            }
            writer.disbursements.append(.init(beneficiaryID: member.id, program: program, amount: result.disbursement.dong,
                                              pendingRecovery: result.pendingRecovery.dong, method: member.method))
        }
        let written = try await writer.write(on: connection)
        var state: String?
        for try await next in try await connection.query(RunShardSQL.shardDone(runID: shard.runID, generation: shard.generation,
                                                                               members: members.count),
                                                         logger: Database.quiet).decode(String.self) {
            state = next
        }
        // Cancelled (or re-triggered) while this shard computed: its work must not count.
        guard let state else { throw RunChanged(runID: shard.runID) }
        if state == "approved" {
            try await RunApproval.approveDisbursements(runID: shard.runID, on: connection)
            try await RunSubmission.enqueue(runID: shard.runID, generation: shard.generation, district: run.district, on: connection)
        }
        return Result(members: members.count, lines: written.lines, disbursements: written.disbursements, runState: state)
    }

    /// The run left `computing` (cancelled, re-triggered) while a shard computed; the shard's
    /// transaction rolls back.
    public struct RunChanged: Error, CustomStringConvertible {
        public var runID: Int64
        public var description: String { "run \(runID) is no longer computing; this shard's work was rolled back" }
    }
}
