import ChitraCore
import ChitraStore

/// The body of finance's re-runs (`/retries`, `/cash/fallback`): the failed transfers to move, by
/// batch, reason and rail, and the count the caller was shown (a scope that changed is refused).
struct FinanceScopeBody: Decodable {
    var batch: String?
    var reason: String?
    var rail: String?
    var expectedCount: Int?

    init(batch: String?, reason: String?, rail: String?, expectedCount: Int? = nil) {
        self.batch = batch
        self.reason = reason
        self.rail = rail
        self.expectedCount = expectedCount
    }

    enum CodingKeys: String, CodingKey { case batch, reason, rail, expectedCount = "expected_count" }
    static let fields: Set<String> = ["batch", "reason", "rail", "expected_count"]

    /// The scope in `district`'s month, or a 400 naming what is malformed.
    func scope(district: String, period: Period) throws -> FinanceScope {
        do {
            return try FinanceScope.checked(district: district, period: period, batch: batch, reason: reason, rail: rail)
        } catch {
            throw APIError.badRequest(error.description)
        }
    }
}
