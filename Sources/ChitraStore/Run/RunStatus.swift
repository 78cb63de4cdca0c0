import ChitraCore
import Foundation
import PostgresNIO

/// A run as `chitra status` shows it: state, progress and the control totals it recorded.
public struct RunStatus: Sendable, Hashable, Codable {
    public var runID: Int64
    public var district: String
    public var period: String
    public var state: String
    public var members: Int?
    public var membersDone: Int
    public var shards: Int?
    public var shardsDone: Int
    /// Count and sum of the run's disbursements by program and rail, recorded shard by shard.
    public var totals: RunApproval.ControlTotals
    public var lastError: String?
    /// Triggered with --force for a month outside the usual bounds.
    public var periodForced: Bool = false

    public var disbursements: Int { totals.count }
    public var disbursedVND: Int64 { totals.totalVND }

    /// Runs of `period` and/or `districts` (all when nil), newest first. Two indexed reads, whatever
    /// the size of the runs: progress and totals are kept on the run, not counted.
    public static func list(period: Period?, districts: [String]?, database: Database) async throws -> [RunStatus] {
        let periodDate = period.map { "\($0)-01" }
        let query: PostgresQuery = """
            SELECT r.id, r.district_code, to_char(r.period, 'YYYY-MM'), r.state::text, r.members, r.members_done, r.shards,
                   r.shards_done, r.last_error, r.period_forced, t.program, t.rail, t.count, t.amount_vnd
            FROM runs r LEFT JOIN run_totals t ON t.run_id = r.id
            WHERE (\(periodDate)::date IS NULL OR r.period = \(periodDate)::date)
              AND (\(districts)::text[] IS NULL OR r.district_code = ANY(\(districts)::text[]))
            ORDER BY r.period DESC, r.district_code, t.program, t.rail
            """
        var statuses: [RunStatus] = []
        let rows = try await database.query(query, "list runs")
        for try await (id, district, period, state, members, membersDone, shards, done, error, forced, program, rail, count, amount) in rows.decode(
            (Int64, String, String, String, Int32?, Int32, Int32?, Int32, String?, Bool, String?, String?, Int64?, Int64?).self) {
            if statuses.last?.runID != id {
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
