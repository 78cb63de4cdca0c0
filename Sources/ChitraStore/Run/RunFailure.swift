import PostgresNIO

/// A run that cannot go on (a policy table that cannot compute a month): failed, with the reason
/// that `chitra status` shows and `chitra run --wait` reports.
public enum RunFailure {
    public static func markFailed(runID: Int64, generation: Int32, reason: String, database: Database) async throws {
        try await database.query(RunStateSQL.fail(runID: runID, generation: generation, reason: reason), "mark run \(runID) failed")
    }
}
