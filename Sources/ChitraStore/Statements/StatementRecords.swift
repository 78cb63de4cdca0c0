import ChitraCore
import Foundation
import PostgresNIO

/// The statements taken in, as finance reads them: one line a statement, its balances and what
/// its entries did.
public enum StatementRecords {
    public struct Record: Sendable, Hashable, Codable {
        public var id: Int64
        public var unit: String
        /// The account, masked (`****1234`).
        public var account: String
        /// A statement (camt.053, MT940), or an intraday notification (camt.054): no number in the
        /// sequence, no balances.
        public var kind: String
        public var sequence: Int?
        public var day: String
        public var openingVND: Int64?
        public var closingVND: Int64?
        public var entries: Int
        /// Entries by outcome: settled, returned, waiting, recalled, charge, pending, other, break.
        public var outcomes: [String: Int]
        public var format: String
        public var importedBy: String

        enum CodingKeys: String, CodingKey {
            case id, unit, account, kind, sequence, day, openingVND = "opening_vnd", closingVND = "closing_vnd", entries, outcomes, format
            case importedBy = "imported_by"
        }
    }

    /// The caller's statements (of `unit` alone, of `day` alone, if given), newest first.
    public static func list(unit: String? = nil, day: Day? = nil, limit: Int = 200, database: Database) async throws -> [Record] {
        var result: [Record] = []
        for try await (id, unit, account, kind, sequence, day, opening, closing, entries, outcomes, format, by) in try await database.query(
            StatementRecordSQL.list(unit: unit, day: day, limit: limit), "list the statements")
            .decode((Int64, String, String, String, Int32?, String, Int64?, Int64?, Int32, String, String, String).self) {
            let counts = (try? JSONDecoder().decode([String: Int].self, from: Data(outcomes.utf8))) ?? [:]
            result.append(Record(id: id, unit: unit, account: "****" + account.suffix(4), kind: kind, sequence: sequence.map(Int.init), day: day,
                                 openingVND: opening,
                                 closingVND: closing, entries: Int(entries), outcomes: counts, format: format, importedBy: by))
        }
        return result
    }
}

enum StatementRecordSQL {
    static func list(unit: String?, day: Day?, limit: Int) -> PostgresQuery {
        """
        SELECT s.id, s.unit_code, s.account, s.kind, s.sequence_number, s.day::text, s.opening_vnd, s.closing_vnd, s.entries,
               coalesce((SELECT jsonb_object_agg(outcome, n) FROM (SELECT outcome, count(*) AS n FROM statement_entries e
                                                                  WHERE e.statement = s.id GROUP BY outcome) o), '{}')::text,
               s.format, s.imported_by
        FROM bank_statements s
        WHERE (\(unit)::text IS NULL OR s.unit_code = \(unit)) AND (\(day?.description)::date IS NULL OR s.day = \(day?.description)::date)
        ORDER BY s.day DESC, s.id DESC LIMIT \(limit)
        """
    }
}
