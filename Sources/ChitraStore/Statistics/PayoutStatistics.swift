import PostgresNIO

/// Figures of a payout for the benchmark: batches sent, transfers sent more than once (resends of
/// what never arrived, retries of temporary rejections), fallbacks to cash, by state.
public struct PayoutStatistics: Sendable, Hashable, Codable {
    public var batches: Int
    public var resentTransfers: Int
    public var fallbacks: Int
    public var byState: [String: Int]
    /// The batches answered last, in words: the payout's tail (when each was made, sent and
    /// answered, counted from the first batch, and the last trouble it met).
    public var lastAnswered: [String] = []

    public static func read(_ database: Database) async throws -> PayoutStatistics {
        var result = PayoutStatistics(batches: 0, resentTransfers: 0, fallbacks: 0, byState: [:])
        for try await (batches, resent, fallbacks) in try await database.query(PayoutStatisticsSQL.totals, "count the payout")
            .decode((Int64, Int64, Int64).self) {
            (result.batches, result.resentTransfers, result.fallbacks) = (Int(batches), Int(resent), Int(fallbacks))
        }
        for try await (state, count) in try await database.query(PayoutStatisticsSQL.byState, "count disbursements by state")
            .decode((String, Int64).self) { result.byState[state] = Int(count) }
        for try await (message, transfers, made, posted, answered, error) in try await database.query(PayoutStatisticsSQL.lastAnswered, "read the last batches")
            .decode((String, Int32, Double, Double?, Double?, String?).self) {
            let at = { (seconds: Double?) in seconds.map { String(format: "%.1f s", $0) } ?? "never" }
            result.lastAnswered.append("\(message) (\(transfers)): made \(at(made)), sent \(at(posted)), answered \(at(answered))"
                                       + (error.map { ", last trouble: \($0)" } ?? ""))
        }
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
    static let lastAnswered: PostgresQuery = """
        SELECT b.message_id, b.transfers, extract(epoch FROM b.created_at - f.first)::float8, extract(epoch FROM b.posted_at - f.first)::float8,
               extract(epoch FROM b.answered_at - f.first)::float8, left(b.last_error, 120)
        FROM transfer_batches b, (SELECT min(created_at) AS first FROM transfer_batches) f
        ORDER BY b.answered_at DESC NULLS FIRST LIMIT 5
        """
    static let byState: PostgresQuery = """
        SELECT \(unescaped: DisbursementStateSQL.seenState(run: "r.state")), count(*) FROM disbursements d JOIN runs r ON r.id = d.run_id GROUP BY 1
        """
}
