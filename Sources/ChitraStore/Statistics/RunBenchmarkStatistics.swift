import PostgresNIO

/// What the run benchmark reads and does around its measurement, behind the store.
public enum RunBenchmarkStatistics {
    /// `VACUUM ANALYZE` of every table (after a bulk load, before measuring).
    public static func vacuumAnalyze(_ database: Database) async throws {
        try await database.query("VACUUM ANALYZE", "vacuum")
    }

    /// How many runs are still planning, and how many are not yet computed: one cheap count, for a
    /// benchmark to poll (listing 3,321 runs with their totals each second cost the database a
    /// fifth of a core while it was being measured).
    public static func runsPending(_ database: Database) async throws -> (planning: Int, notComputed: Int) {
        for try await (planning, open) in try await database.query("""
            SELECT count(*) FILTER (WHERE state = 'planning'), count(*) FILTER (WHERE state <> 'computed') FROM runs
            """, "count the runs not computed").decode((Int64, Int64).self) {
            return (Int(planning), Int(open))
        }
        return (0, 0)
    }

    /// Entitlement lines written in all.
    public static func lineCount(_ database: Database) async throws -> Int {
        for try await count in try await database.query("SELECT count(*) FROM all_entitlement_lines", "count lines").decode(Int64.self) {
            return Int(count)
        }
        return 0
    }
}
