import PostgresNIO

/// The `probe.record` diagnostic's receipt: its job id, written in the transaction that completes
/// the job. The table's key refuses a second receipt, so a clean drain proves exactly-once.
public enum ProbeReceipt {
    public static func record(jobID: Int64, worker: String, on connection: PostgresConnection) async throws {
        try await connection.execute("INSERT INTO job_probe_receipts (job_id, worker) VALUES (\(jobID), \(worker))", logger: Database.quiet)
    }
}
