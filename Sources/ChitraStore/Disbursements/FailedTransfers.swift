import ChitraCore
import PostgresNIO

/// The month's failed transfers as finance works them: who (the name as the register holds it),
/// how much, by which rail and institution, why, and how often sent; a page at a time in unit and
/// beneficiary order, with the count and amount of all of them. Found through the runs of the month
/// and their transfers' index (`disbursements_transfers`, every bank and wallet transfer of a run).
public enum FailedTransfers {
    public struct Item: Sendable, Hashable {
        public var unit: String
        public var beneficiaryID: String
        public var fullName: String
        public var amountVND: Int64
        public var rail: String
        public var institution: String
        public var reason: String
        public var attempts: Int
        public var endToEndID: String
    }

    public struct Page: Sendable, Hashable {
        public var items: [Item]
        /// The cursor of the next page (`unit/beneficiary`), if there is one.
        public var next: String?
        /// All the failed transfers the filter holds, not only this page's (when asked for).
        public var totals: CountAmount?
    }

    public static let pageSize = 500

    /// `unit` nil: every unit in scope. `after`: a page's `next`. `totals`: count them all too (not
    /// for each page of a list read page after page).
    public static func read(period: Period, unit: String?, reason: String?, after: String?, limit: Int = pageSize,
                            totals: Bool = true, database: Database) async throws -> Page {
        let cursor = after.flatMap { text -> (String, String)? in
            let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
            return parts.count == 2 ? (parts[0], parts[1]) : nil
        }
        return try await database.transaction("read the failed transfers of \(period)") { connection in
            var items: [Item] = []
            for try await (unit, id, name, amount, rail, institution, why, attempts, e2e) in try await connection.send(
                FailedTransfersSQL.page(period: period, unit: unit, reason: reason, after: cursor, limit: limit), logger: Database.quiet
            ).decode((String, String, String, Int64, String, String, String, Int32, String).self) {
                items.append(Item(unit: unit, beneficiaryID: id, fullName: name, amountVND: amount, rail: rail, institution: institution,
                                  reason: why, attempts: Int(attempts), endToEndID: e2e))
            }
            var next: String?
            if items.count > limit {
                items.removeLast()
                next = items.last.map { "\($0.unit)/\($0.beneficiaryID)" }
            }
            var page = Page(items: items, next: next)
            guard totals else { return page }
            for try await (all, sum) in try await connection.send(FailedTransfersSQL.totals(period: period, unit: unit, reason: reason),
                                                                   logger: Database.quiet).decode((Int64, Int64).self) {
                page.totals = CountAmount(count: Int(all), amountVND: sum)
            }
            return page
        }
    }
}

enum FailedTransfersSQL {
    static func page(period: Period, unit: String?, reason: String?, after: (String, String)?, limit: Int) -> PostgresQuery {
        """
        SELECT d.unit_code, d.beneficiary_id, coalesce(b.full_name, ''), d.amount_vnd, d.rail, coalesce(d.institution, ''),
               coalesce(d.failure_reason, ''), d.attempts, d.end_to_end_id
        FROM disbursements d LEFT JOIN beneficiaries b ON b.beneficiary_id = d.beneficiary_id
        WHERE d.run_id IN (SELECT id FROM runs WHERE period = \(period)) AND d.rail <> 'cash' AND d.state = 'failed'
          AND (\(unit)::text IS NULL OR d.unit_code = \(unit)) AND (\(reason)::text IS NULL OR d.failure_reason = \(reason))
          AND (\(after?.0)::text IS NULL OR (d.unit_code, d.beneficiary_id) > (\(after?.0), \(after?.1)))
        ORDER BY d.unit_code, d.beneficiary_id LIMIT \(limit + 1)
        """
    }

    static func totals(period: Period, unit: String?, reason: String?) -> PostgresQuery {
        """
        SELECT count(*), coalesce(sum(d.amount_vnd), 0)::int8 FROM disbursements d
        WHERE d.run_id IN (SELECT id FROM runs WHERE period = \(period)) AND d.rail <> 'cash' AND d.state = 'failed'
          AND (\(unit)::text IS NULL OR d.unit_code = \(unit)) AND (\(reason)::text IS NULL OR d.failure_reason = \(reason))
        """
    }
}
