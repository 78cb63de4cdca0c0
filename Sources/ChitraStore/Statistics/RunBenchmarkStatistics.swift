import PostgresNIO

/// What the run benchmark reads and does around its measurement, behind the store.
public enum RunBenchmarkStatistics {
    /// `VACUUM ANALYZE` of every table (after a bulk load, before measuring).
    public static func vacuumAnalyze(_ database: Database) async throws {
        try await database.query("VACUUM ANALYZE", "vacuum")
    }

    /// Entitlement lines written in all.
    public static func lineCount(_ database: Database) async throws -> Int {
        for try await count in try await database.query("SELECT count(*) FROM entitlement_lines", "count lines").decode(Int64.self) {
            return Int(count)
        }
        return 0
    }
}
