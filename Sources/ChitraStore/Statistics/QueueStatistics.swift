import PostgresNIO

/// What the demo and the benchmarks read about the queue after a drain: the queries live here,
/// behind the store, not in the command line.
public enum QueueStatistics {
    /// Jobs of one district: completed, discarded, and attempts made.
    public struct DistrictRow: Sendable, Hashable {
        public var district: String
        public var completed: Int
        public var discarded: Int
        public var attempts: Int
    }

    /// How long a drain took (first claim to last completion) and how long jobs waited to start.
    public struct Drain: Sendable, Hashable {
        public var seconds: Double
        public var p50: Double
        public var p99: Double
    }

    public static func byDistrict(_ database: Database) async throws -> [DistrictRow] {
        var rows: [DistrictRow] = []
        for try await (district, completed, discarded, attempts) in try await database.query(QueueStatisticsSQL.byDistrict, "count jobs")
            .decode((String, Int64, Int64, Int64).self) {
            rows.append(DistrictRow(district: district, completed: Int(completed), discarded: Int(discarded), attempts: Int(attempts)))
        }
        return rows
    }

    /// The drain of completed jobs matching `idleProbes` (the idle wake-up probes) or not.
    public static func drain(_ database: Database, idleProbes: Bool? = nil) async throws -> Drain {
        for try await (span, p50, p99) in try await database.query(QueueStatisticsSQL.drain(idleProbes: idleProbes), "measure the drain")
            .decode((Double?, Double?, Double?).self) {
            return Drain(seconds: span ?? 0, p50: p50 ?? 0, p99: p99 ?? 0)
        }
        return Drain(seconds: 0, p50: 0, p99: 0)
    }

    /// How long units waited for their first job to start and their last to finish, counted
    /// from the drain's first claim: over the units other than `except` (the one with a backlog).
    public struct UnitWaits: Sendable, Hashable, Codable {
        public var units: Int
        public var firstStartP50: Double
        public var firstStartP99: Double
        public var firstStartMax: Double
        public var lastFinishP99: Double
        public var lastFinishMax: Double
        /// The unit with the backlog: when its last job finished.
        public var backlogLastFinish: Double
    }

    public static func unitWaits(_ database: Database, backlogUnit: String) async throws -> UnitWaits {
        for try await (units, p50, p99, maximum, last99, lastMax, backlog) in try await database.query(
            QueueStatisticsSQL.unitWaits(backlogUnit: backlogUnit), "measure each unit's wait")
            .decode((Int64, Double?, Double?, Double?, Double?, Double?, Double?).self) {
            return UnitWaits(units: Int(units), firstStartP50: p50 ?? 0, firstStartP99: p99 ?? 0, firstStartMax: maximum ?? 0,
                             lastFinishP99: last99 ?? 0, lastFinishMax: lastMax ?? 0, backlogLastFinish: backlog ?? 0)
        }
        return UnitWaits(units: 0, firstStartP50: 0, firstStartP99: 0, firstStartMax: 0, lastFinishP99: 0, lastFinishMax: 0,
                         backlogLastFinish: 0)
    }

    public static func isEmpty(_ database: Database) async throws -> Bool {
        for try await empty in try await database.query(QueueStatisticsSQL.isEmpty, "look at the queue").decode(Bool.self) { return empty }
        return false
    }

    /// The exactly-once canaries' receipts.
    public static func probeReceipts(_ database: Database) async throws -> Int {
        for try await count in try await database.query(QueueStatisticsSQL.receipts, "count receipts").decode(Int64.self) { return Int(count) }
        return 0
    }

    /// Discarded jobs grouped by their last error: (error, count, attempts).
    public static func discarded(_ database: Database) async throws -> [(error: String?, count: Int, attempts: Int)] {
        var rows: [(error: String?, count: Int, attempts: Int)] = []
        for try await (error, count, attempts) in try await database.query(QueueStatisticsSQL.discarded, "list discarded jobs")
            .decode((String?, Int64, Int32).self) {
            rows.append((error, Int(count), Int(attempts)))
        }
        return rows
    }

    /// Before a benchmark's drain: the jobs' statistics fresh, `pg_stat_statements` on and reset.
    public static func prepareForBenchmark(_ database: Database) async throws {
        try await database.query(QueueStatisticsSQL.analyze, "analyze the jobs")
        try await StatementStatistics.reset(database)
    }
}

/// The statements of `QueueStatistics`.
enum QueueStatisticsSQL {
    static let byDistrict: PostgresQuery = """
        SELECT unit_code, count(*) FILTER (WHERE state = 'completed'), count(*) FILTER (WHERE state = 'discarded'),
               sum(attempt) FROM jobs GROUP BY unit_code ORDER BY unit_code
        """

    static func drain(idleProbes: Bool?) -> PostgresQuery {
        """
        SELECT extract(epoch FROM max(finalized_at) - min(attempted_at))::float8,
               (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM attempted_at - created_at)))::float8,
               (percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM attempted_at - created_at)))::float8
        FROM jobs WHERE state = 'completed' AND (\(idleProbes)::boolean IS NULL OR (args ? 'idle') = \(idleProbes)::boolean)
        """
    }

    static func unitWaits(backlogUnit: String) -> PostgresQuery {
        """
        WITH drain AS (SELECT min(attempted_at) AS start FROM jobs WHERE state = 'completed' AND NOT args ? 'idle'),
        units AS (
            SELECT unit_code, extract(epoch FROM min(attempted_at) - (SELECT start FROM drain))::float8 AS first_start,
                   extract(epoch FROM max(finalized_at) - (SELECT start FROM drain))::float8 AS last_finish
            FROM jobs WHERE state = 'completed' AND NOT args ? 'idle' GROUP BY unit_code
        )
        SELECT count(*) FILTER (WHERE unit_code <> \(backlogUnit)),
               (percentile_cont(0.5) WITHIN GROUP (ORDER BY first_start) FILTER (WHERE unit_code <> \(backlogUnit)))::float8,
               (percentile_cont(0.99) WITHIN GROUP (ORDER BY first_start) FILTER (WHERE unit_code <> \(backlogUnit)))::float8,
               max(first_start) FILTER (WHERE unit_code <> \(backlogUnit)),
               (percentile_cont(0.99) WITHIN GROUP (ORDER BY last_finish) FILTER (WHERE unit_code <> \(backlogUnit)))::float8,
               max(last_finish) FILTER (WHERE unit_code <> \(backlogUnit)),
               max(last_finish) FILTER (WHERE unit_code = \(backlogUnit))
        FROM units
        """
    }

    static let isEmpty: PostgresQuery = """
        SELECT NOT EXISTS (SELECT 1 FROM jobs WHERE state IN ('available', 'retryable', 'running'))
        """

    static let receipts: PostgresQuery = "SELECT count(*) FROM job_probe_receipts"

    static let discarded: PostgresQuery = "SELECT last_error, count(*), max(attempt) FROM jobs WHERE state = 'discarded' GROUP BY last_error"

    static let analyze: PostgresQuery = "VACUUM ANALYZE jobs"
}
