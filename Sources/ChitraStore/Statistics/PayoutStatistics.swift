import PostgresNIO

/// Figures of a payout for the benchmark: batches sent, transfers sent more than once (resends of
/// what never arrived, retries of temporary rejections), fallbacks to cash, by state.
public struct PayoutStatistics: Sendable, Hashable, Codable {
    public var batches: Int
    public var resentTransfers: Int
    public var fallbacks: Int
    public var byState: [String: Int]

    public static func read(_ database: Database) async throws -> PayoutStatistics {
        var result = PayoutStatistics(batches: 0, resentTransfers: 0, fallbacks: 0, byState: [:])
        for try await (batches, resent, fallbacks) in try await database.query(PayoutStatisticsSQL.totals, "count the payout")
            .decode((Int64, Int64, Int64).self) {
            (result.batches, result.resentTransfers, result.fallbacks) = (Int(batches), Int(resent), Int(fallbacks))
        }
        for try await (state, count) in try await database.query(PayoutStatisticsSQL.byState, "count disbursements by state")
            .decode((String, Int64).self) { result.byState[state] = Int(count) }
        return result
    }

    /// Disbursements on the bank and wallet rails.
    public static func transfers(_ database: Database) async throws -> Int {
        for try await count in try await database.query(PayoutStatisticsSQL.transfers, "count transfers").decode(Int64.self) { return Int(count) }
        return 0
    }
}

enum PayoutStatisticsSQL {
    static let totals: PostgresQuery = """
        SELECT (SELECT count(*) FROM transfer_batches),
               count(*) FILTER (WHERE attempts > 1 AND rail <> 'cash'),
               count(*) FILTER (WHERE fallback_reason IS NOT NULL)
        FROM disbursements
        """
    static let transfers: PostgresQuery = "SELECT count(*) FROM disbursements WHERE rail <> 'cash'"
    static let byState: PostgresQuery = """
        SELECT \(unescaped: DisbursementStateSQL.seenState(run: "r.state")), count(*) FROM disbursements d JOIN runs r ON r.id = d.run_id GROUP BY 1
        """
}
