import ChitraCore
import Foundation
import PostgresNIO

/// A run as `chitra status` shows it: state, progress and control totals.
public struct RunStatus: Sendable, Hashable, Codable {
    public var runID: Int64
    public var district: String
    public var period: String
    public var state: String
    public var members: Int?
    public var shards: Int?
    public var shardsDone: Int
    public var disbursements: Int
    public var disbursedVND: Int64
    public var linesVND: Int64
    public var lastError: String?

    /// Runs of `period` and/or `districts` (all when nil), newest first.
    public static func list(period: Period?, districts: [String]?, database: Database) async throws -> [RunStatus] {
        let query: PostgresQuery = """
            SELECT r.id, r.district_code, to_char(r.period, 'YYYY-MM'), r.state::text, r.members, r.shards, r.shards_done,
                   (SELECT count(*) FROM disbursements d WHERE d.run_id = r.id),
                   (SELECT coalesce(sum(amount_vnd), 0) FROM disbursements d WHERE d.run_id = r.id)::int8,
                   (SELECT coalesce(sum(amount_vnd), 0) FROM entitlement_lines l WHERE l.run_id = r.id)::int8,
                   r.last_error
            FROM runs r
            WHERE (\(period.map { "\($0)-01" })::date IS NULL OR r.period = \(period.map { "\($0)-01" })::date)
              AND (\(districts)::text[] IS NULL OR r.district_code = ANY(\(districts)::text[]))
            ORDER BY r.period DESC, r.district_code
            """
        var statuses: [RunStatus] = []
        let rows = try await database.query(query, "list runs")
        for try await (id, district, period, state, members, shards, done, count, disbursed, lines, error) in rows.decode(
            (Int64, String, String, String, Int32?, Int32?, Int32, Int64, Int64, Int64, String?).self) {
            statuses.append(RunStatus(runID: id, district: district, period: period, state: state, members: members.map(Int.init),
                                      shards: shards.map(Int.init), shardsDone: Int(done), disbursements: Int(count),
                                      disbursedVND: disbursed, linesVND: lines, lastError: error))
        }
        return statuses
    }
}
