import ChitraCore
import PostgresNIO

/// What the tests' fixtures read back to check a month (ChitraTesting's `RunFixture` and
/// `PayoutFixture`): every disbursement as it stands, a month's amounts, and what a wait that ran
/// out saw. Reads only, in the caller's scope; nothing of the product calls them.
public enum FixtureReadings {
    public struct Disbursement: Sendable, Hashable {
        public var endToEndID: String
        public var beneficiaryID: String
        public var amount: Int64
        public var state: String
        public var rail: String
    }

    public static func disbursements(_ database: Database) async throws -> [Disbursement] {
        var result: [Disbursement] = []
        for try await (id, beneficiary, amount, state, rail) in try await database.query(FixtureReadingsSQL.disbursements, "read every disbursement")
            .decode((String, String, Int64, String, String).self) {
            result.append(Disbursement(endToEndID: id, beneficiaryID: beneficiary, amount: amount, state: state, rail: rail))
        }
        return result
    }

    /// Each beneficiary's amount for `period`.
    public static func amounts(_ period: Period, _ database: Database) async throws -> [String: Int64] {
        var amounts: [String: Int64] = [:]
        for try await (id, amount) in try await database.query(FixtureReadingsSQL.amounts(period), "read a month's amounts")
            .decode((String, Int64).self) { amounts[id] = amount }
        return amounts
    }

    /// The jobs' last errors (newest five) and the transfers' creditors and batches, in words.
    public static func troubles(_ database: Database) async throws -> [String] {
        var seen: [String] = []
        for try await (kind, state, error) in try await database.query(FixtureReadingsSQL.jobErrors, "read the jobs' errors")
            .decode((String, String, String).self) { seen.append("\(kind) \(state): \(error)") }
        for try await (total, missing, batches) in try await database.query(FixtureReadingsSQL.transfers, "count the transfers")
            .decode((Int64, Int64, Int64).self) { seen.append("\(total) by bank or wallet, \(missing) batched without a creditor, \(batches) batches") }
        return seen
    }

    /// Transfers whose batch id names no batch of their own run, rail and institution (a batch id is no
    /// foreign key: migration 32).
    public static func transfersAstray(_ database: Database) async throws -> Int {
        try await count(FixtureReadingsSQL.transfersAstray, database)
    }

    /// The one count a test's own statement makes.
    public static func count(_ query: PostgresQuery, _ database: Database) async throws -> Int {
        var result = 0
        for try await value in try await database.query(query, "count for a test").decode(Int64.self) { result = Int(value) }
        return result
    }
}

enum FixtureReadingsSQL {
    static let disbursements: PostgresQuery = """
        SELECT d.end_to_end_id, d.beneficiary_id, d.amount_vnd, \(unescaped: DisbursementStateSQL.seenState(run: "r.state")), d.rail
        FROM disbursements d JOIN runs r ON r.id = d.run_id
        """

    static func amounts(_ period: Period) -> PostgresQuery {
        "SELECT beneficiary_id, amount_vnd FROM disbursements WHERE period = \(period)"
    }

    static let jobErrors: PostgresQuery =
        "SELECT kind, state::text, coalesce(last_error, '') FROM jobs WHERE last_error IS NOT NULL ORDER BY id DESC LIMIT 5"

    static let transfersAstray: PostgresQuery = """
        SELECT count(*) FROM disbursements d WHERE d.batch_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM transfer_batches t
            WHERE t.id = d.batch_id AND t.run_id = d.run_id AND t.rail = d.rail AND t.institution = d.institution)
        """

    static let transfers: PostgresQuery = """
        SELECT count(*), count(*) FILTER (WHERE institution IS NULL AND batch_id IS NOT NULL), (SELECT count(*) FROM transfer_batches)
        FROM disbursements WHERE rail <> 'cash'
        """
}
