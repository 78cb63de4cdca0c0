import ChitraCore
import Foundation
import PostgresNIO

/// A run as `chitra status` shows it: state, progress and the control totals it recorded.
public struct RunStatus: Sendable, Hashable, Codable {
    public var runID: Int64
    public var district: String
    public var period: String
    public var state: RunState
    public var members: Int?
    public var membersDone: Int
    public var shards: Int?
    public var shardsDone: Int
    /// Count and sum of the run's disbursements by program and rail, recorded shard by shard.
    public var totals: RunApproval.ControlTotals
    public var lastError: String?
    /// Triggered with --force for a month outside the usual bounds.
    public var periodForced: Bool = false

    /// The run's payout unit is `unit` in JSON, as everywhere a tenant is named.
    enum CodingKeys: String, CodingKey {
        case runID, district = "unit", period, state, members, membersDone, shards, shardsDone, totals, lastError, periodForced
    }

    public var disbursements: Int { totals.count }
    public var disbursedVND: Int64 { totals.totalVND }

    /// Runs of `period` and/or `districts` (all when nil), newest first. Two indexed reads, whatever
    /// the size of the runs: progress and totals are kept on the run, not counted.
    public static func list(period: Period?, districts: [String]?, database: Database) async throws -> [RunStatus] {
        let periodDate = period.map { "\($0)-01" }
        let query: PostgresQuery = """
            SELECT r.id, r.unit_code, to_char(r.period, 'YYYY-MM'), r.state::text, r.members, r.members_done, r.shards,
                   r.shards_done, r.last_error, r.period_forced, t.program, t.rail, t.count, t.amount_vnd
            FROM runs r LEFT JOIN LATERAL (
                SELECT program, rail, sum(count)::int8 AS count, sum(amount_vnd)::int8 AS amount_vnd FROM run_totals
                WHERE run_id = r.id GROUP BY program, rail) t ON true
            WHERE (\(periodDate)::date IS NULL OR r.period = \(periodDate)::date)
              AND (\(districts)::text[] IS NULL OR r.unit_code = ANY(\(districts)::text[]))
            ORDER BY r.period DESC, r.unit_code, t.program, t.rail
            """
        var statuses: [RunStatus] = []
        let rows = try await database.query(query, "list runs")
        for try await (id, district, period, state, members, membersDone, shards, done, error, forced, program, rail, count, amount) in rows.decode(
            (Int64, String, String, String, Int32?, Int32, Int32?, Int32, String?, Bool, String?, String?, Int64?, Int64?).self) {
            if statuses.last?.runID != id {
                guard let state = RunState(rawValue: state) else {
                    throw StoreError.query(sqlState: nil, message: "run \(id) is in an unknown state \(state)", context: "list runs")
                }
                statuses.append(RunStatus(runID: id, district: district, period: period, state: state, members: members.map(Int.init),
                                          membersDone: Int(membersDone), shards: shards.map(Int.init), shardsDone: Int(done),
                                          totals: RunApproval.ControlTotals(), lastError: error, periodForced: forced))
            }
            if let program, let rail, let count, let amount {
                statuses[statuses.count - 1].totals.add(program: program, rail: rail, count: Int(count), amount: amount)
            }
        }
        return statuses
    }
}

extension RunStatus {
    /// Whether workers are at a set of runs' jobs: how many run now, how many wait (due), and
    /// how long ago one of them was last claimed (nil: never).
    public struct Activity: Sendable, Hashable, Codable {
        public var running: Int
        public var due: Int
        public var secondsSinceLastClaim: Double?
    }

    /// The activity of the plan and compute jobs of `runIDs`.
    public static func activity(runIDs: [Int64], database: Database) async throws -> Activity {
        let query: PostgresQuery = """
            SELECT count(*) FILTER (WHERE state = 'running'),
                   count(*) FILTER (WHERE state IN ('available', 'retryable') AND run_at <= now()),
                   extract(epoch FROM now() - max(attempted_at))::float8
            FROM jobs
            WHERE kind = ANY (\(JobKind.computing)) AND args->>'runID' = ANY(\(runIDs.map(String.init))::text[])
            """
        for try await (running, due, seconds) in try await database.query(query, "read the activity of runs").decode((Int64, Int64, Double?).self) {
            return Activity(running: Int(running), due: Int(due), secondsSinceLastClaim: seconds)
        }
        return Activity(running: 0, due: 0, secondsSinceLastClaim: nil)
    }
}
