import Logging
import PostgresNIO

/// Where a benchmark's database time goes, statement by statement: `pg_stat_statements` of a
/// private cluster started with it preloaded (`shared_preload_libraries`), created, reset and read
/// by the cluster's owner. The queue and payout benchmarks both read it.
public enum StatementStatistics {
    /// A statement as `pg_stat_statements` counted it, its text on one line.
    public struct Statement: Sendable, Hashable, Codable {
        public var query: String
        public var calls: Int
        public var totalMilliseconds: Double
        public var rows: Int
        /// Time spent planning it (counted with `pg_stat_statements.track_planning` on; 0 otherwise).
        public var planMilliseconds: Double = 0
    }

    /// Creates the extension as a superuser (`superuser`: that database's URL; it is no trusted
    /// extension, and the owner is no superuser) and lets `owner` reset it.
    public static func enable(superuser url: DatabaseURL, owner: String, logger: Logger) async throws {
        AdminStatement.checkIdentifier(owner)
        try await AdminStatement.execute(StatementStatisticsSQL.create, on: url, logger: logger)
        try await AdminStatement.execute(StatementStatisticsSQL.allowReset(to: owner), on: url, logger: logger)
    }

    /// Forgets what was counted so far.
    public static func reset(_ owner: Database) async throws {
        try await owner.query(StatementStatisticsSQL.reset, "reset pg_stat_statements")
    }

    /// The `limit` statements that took the most time since the reset, the most first (reading
    /// the statistics themselves left out).
    public static func top(_ owner: Database, limit: Int) async throws -> [Statement] {
        var statements: [Statement] = []
        for try await (query, calls, total, rows, plan) in try await owner.query(StatementStatisticsSQL.top(limit: limit), "read pg_stat_statements")
            .decode((String, Int64, Double, Int64, Double).self) {
            statements.append(Statement(query: query, calls: Int(calls), totalMilliseconds: total, rows: Int(rows), planMilliseconds: plan))
        }
        return statements
    }

    /// A table's row writes as PostgreSQL counted them (`pg_stat_user_tables`): updates, and of
    /// them those made on the row's own page without touching an index (HOT).
    public struct TableWrites: Sendable, Hashable, Codable {
        public var inserted = 0
        public var updated = 0
        public var hotUpdated = 0

        /// What was written between `earlier` and this reading.
        public func since(_ earlier: TableWrites) -> TableWrites {
            TableWrites(inserted: inserted - earlier.inserted, updated: updated - earlier.updated, hotUpdated: hotUpdated - earlier.hotUpdated)
        }
    }

    /// The writes counted so far of `table` (a table of the schema Chitra migrates).
    public static func writes(_ owner: Database, table: String) async throws -> TableWrites {
        for try await (inserted, updated, hot) in try await owner.query(StatementStatisticsSQL.writes(table: table), "read the writes of \(table)")
            .decode((Int64, Int64, Int64).self) {
            return TableWrites(inserted: Int(inserted), updated: Int(updated), hotUpdated: Int(hot))
        }
        return TableWrites()
    }
}

enum StatementStatisticsSQL {
    static let create = "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"
    static func allowReset(to owner: String) -> String { "GRANT EXECUTE ON FUNCTION pg_stat_statements_reset(oid, oid, bigint) TO \(owner)" }
    static let reset: PostgresQuery = "SELECT pg_stat_statements_reset()"
    static func writes(table: String) -> PostgresQuery {
        "SELECT n_tup_ins, n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = \(table) AND schemaname = current_schema()"
    }

    static func top(limit: Int) -> PostgresQuery {
        """
        SELECT regexp_replace(query, '\\s+', ' ', 'g'), calls, total_exec_time, rows, total_plan_time
        FROM pg_stat_statements WHERE query NOT ILIKE '%pg_stat_statements%'
        ORDER BY total_exec_time + total_plan_time DESC LIMIT \(Int64(limit))
        """
    }
}
