import PostgresNIO

/// Figures a metrics scrape samples from the database.
public enum MetricsStatistics {
    public struct QueueRow: Sendable, Hashable {
        public var kind: String
        public var state: String
        public var count: Int
        public var oldestAvailableSeconds: Double?
    }

    /// Jobs by kind and state (finished ones included until pruned); for waiting ones (available,
    /// retryable), the age of the oldest that is due.
    public static func queue(_ database: Database) async throws -> [QueueRow] {
        var rows: [QueueRow] = []
        for try await (kind, state, count, age) in try await database.query(MetricsStatisticsSQL.queue, "sample the queue")
            .decode((String, String, Int64, Double?).self) {
            rows.append(QueueRow(kind: kind, state: state, count: Int(count), oldestAvailableSeconds: age))
        }
        return rows
    }

    public struct Runs: Sendable {
        public var disbursementsByState: [String: Int] = [:]
        public var runs: [(district: String, members: Int, membersDone: Int)] = []
    }

    /// The disbursements of open runs (not completed or cancelled) by state, and those runs' progress.
    public static func runs(_ database: Database) async throws -> Runs {
        var figures = Runs()
        try await database.transaction("sample the runs") { connection in
            for try await (state, count) in try await connection.send(MetricsStatisticsSQL.disbursementsOfOpenRuns, logger: Database.quiet)
                .decode((String, Int64).self) { figures.disbursementsByState[state] = Int(count) }
            for try await (district, members, done) in try await connection.send(MetricsStatisticsSQL.openRuns, logger: Database.quiet)
                .decode((String, Int64, Int64).self) { figures.runs.append((district, Int(members), Int(done))) }
        }
        return figures
    }
}

enum MetricsStatisticsSQL {
    static let queue: PostgresQuery = """
        SELECT kind, state::text, count(*),
               extract(epoch FROM now() - min(run_at) FILTER (WHERE state IN ('available', 'retryable') AND run_at <= now()))::float8
        FROM jobs GROUP BY kind, state
        """
    static let openRuns: PostgresQuery = """
        SELECT unit_code, sum(coalesce(members, 0))::int8, sum(members_done)::int8 FROM runs
        WHERE state NOT IN ('completed', 'cancelled') GROUP BY unit_code
        """
    static let disbursementsOfOpenRuns: PostgresQuery = """
        SELECT \(unescaped: DisbursementStateSQL.seenState(run: "r.state")), count(*) FROM disbursements d JOIN runs r ON r.id = d.run_id
        WHERE r.state NOT IN ('completed', 'cancelled') GROUP BY 1
        """
}
