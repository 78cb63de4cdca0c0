import PostgresNIO

/// The step after approval: one `submit` job per approved run, enqueued in the transaction that
/// approves it (by finance, or by the last shard when approval is off or auto-approve was asked).
/// The transfer rails that send its batches are their own issue; until they exist, the job waits
/// and the run's disbursements stay `approved`.
public enum RunSubmission {
    public struct Args: Codable, Sendable {
        public var runID: Int64
        public var generation: Int32
    }

    static func enqueue(runID: Int64, generation: Int32, district: String, on connection: PostgresConnection) async throws {
        let job = try NewJob(kind: .submit, districtCode: district, encoding: Args(runID: runID, generation: generation),
                             uniqueKey: "submit:\(runID):\(generation)")
        _ = try await JobQueue.enqueue(job, on: connection)
    }
}
