import ChitraCore
import PostgresNIO

/// How a run moves on from computing, for the last shard and for a plan with no members alike:
/// `RunStateMachine` decides (computed, or approved at once), one statement writes it, and an
/// approved run's disbursements are approved and its submit step enqueued in the same transaction.
enum RunCompletion {
    /// Counts a shard done on its run; the last one finishes the run. Returns the run's state after.
    static func shardCounted(runID: Int64, generation: Int32, district: String, members: Int,
                             on connection: PostgresConnection) async throws -> RunState {
        if let (done, shards, autoApprove, approvalRequired) = try await connection.first(ShardCounted(runID: runID, generation: generation,
                                                                                                        members: Int32(members))) {
            guard done >= shards ?? 0 else { return .computing }
            return try await finish(runID: runID, generation: generation, district: district,
                                    settings: .init(autoApprove: autoApprove, approvalRequired: approvalRequired), on: connection)
        }
        // Cancelled (or re-triggered) while this shard computed: its work must not count.
        throw RunComputer.RunChanged(runID: runID)
    }

    /// Every shard done (or none to do): computed, or approved at once.
    static func finish(runID: Int64, generation: Int32, district: String, settings: RunStateSQL.ApprovalSettings,
                       on connection: PostgresConnection) async throws -> RunState {
        let finished = RunStateMachine.finished(autoApprove: settings.autoApprove, approvalRequired: settings.approvalRequired)
        let approvedBy: String? = if case .approved(let by) = finished { by } else { nil }
        try await connection.perform(ComputingFinished(runID: runID, state: finished.state))
        if let approvedBy { try await connection.execute(RunSQL.recordApproval(runID: runID, by: approvedBy), logger: Database.quiet) }
        if finished.state == .approved {
            // Approval is the run's: its disbursements stay `computed` (DisbursementState.seen).
            try await RunSubmission.enqueue(runID: runID, generation: generation, district: district, on: connection)
        }
        return finished.state
    }
}
