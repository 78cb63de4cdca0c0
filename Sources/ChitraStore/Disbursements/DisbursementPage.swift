import ChitraCore
import Foundation
import PostgresNIO

/// A page of a district's month of disbursements, filtered by state, method or failure reason, in
/// beneficiary order, continued from a cursor (the last beneficiary of the page before): keyset
/// pagination, as fast on the last page as on the first.
public struct DisbursementPage: Sendable, Hashable, Codable {
    public struct Item: Sendable, Hashable, Codable {
        public var beneficiaryID: String
        public var amountVND: Int64
        public var method: String
        public var rail: String
        public var state: DisbursementState
        public var endToEndID: String
        public var attempts: Int
        public var failureReason: String?

        enum CodingKeys: String, CodingKey {
            case beneficiaryID = "beneficiary_id", amountVND = "amount_vnd", method, rail, state
            case endToEndID = "end_to_end_id", attempts, failureReason = "failure_reason"
        }
    }

    public var items: [Item]
    /// The cursor of the next page; nil on the last.
    public var next: String?

    public struct Filter: Sendable, Hashable {
        public var state: DisbursementState?
        public var method: String?
        public var reason: String?
        public var after: String?
        public var limit: Int

        public init(state: DisbursementState? = nil, method: String? = nil, reason: String? = nil, after: String? = nil, limit: Int = 100) {
            self.state = state
            self.method = method
            self.reason = reason
            self.after = after
            self.limit = limit
        }
    }

    /// Pages hold 1 to 1,000 disbursements.
    public static let largestPage = 1_000

    public static func read(district: String, period: Period, _ filter: Filter, database: Database) async throws -> DisbursementPage {
        precondition((1...largestPage).contains(filter.limit), "the caller checks the page size")
        // Through each run's index, in beneficiary order, a page at most from each (a unit has one
        // run a month but for cancelled ones): never the unit's whole month sorted at each request,
        // which, while a million were being computed, took the database's CPU from the run. A run's
        // disbursements are its unit's and month's: asking it again of each row only made the
        // planner, on statistics from before the month, expect one row and sort them all.
        let rows = try await database.query("""
            SELECT d.beneficiary_id, d.amount_vnd, d.method, d.rail, d.state, d.end_to_end_id, d.attempts, d.failure_reason
            FROM runs r CROSS JOIN LATERAL (
                SELECT * FROM (
                    SELECT d.beneficiary_id, d.amount_vnd, d.method, d.rail, \(unescaped: DisbursementStateSQL.seenState(run: "r.state")) AS state,
                           d.end_to_end_id, d.attempts, d.failure_reason
                    FROM disbursements d
                    WHERE d.run_id = r.id
                      AND (\(filter.after)::text IS NULL OR d.beneficiary_id > \(filter.after))
                      AND (\(filter.method)::text IS NULL OR d.method = \(filter.method))
                      AND (\(filter.reason)::text IS NULL OR d.failure_reason = \(filter.reason))) d
                WHERE \(filter.state?.rawValue)::text IS NULL OR d.state = \(filter.state?.rawValue)
                ORDER BY d.beneficiary_id LIMIT \(filter.limit + 1)) d
            WHERE r.unit_code = \(district) AND r.period = \(period)
            ORDER BY d.beneficiary_id LIMIT \(filter.limit + 1)
            """, "read the disbursements of district \(district)")
        var items: [Item] = []
        for try await (id, amount, method, rail, state, e2e, attempts, reason) in rows.decode(
            (String, Int64, String, String, String, String, Int32, String?).self) {
            guard let state = DisbursementState(rawValue: state) else {
                throw StoreError.query(sqlState: nil, message: "disbursement \(e2e) is in an unknown state \(state)", context: "read disbursements")
            }
            items.append(Item(beneficiaryID: id, amountVND: amount, method: method, rail: rail, state: state, endToEndID: e2e,
                              attempts: Int(attempts), failureReason: reason))
        }
        let more = items.count > filter.limit
        if more { items.removeLast() }
        return DisbursementPage(items: items, next: more ? items.last?.beneficiaryID : nil)
    }
}
