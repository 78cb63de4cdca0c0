import ChitraCore
import Foundation
import PostgresNIO

/// The plan's classification lists, which a district sends back: who is paid in cash, who could
/// open an account, whose documents are missing.
public enum RegisterListKind: String, CaseIterable, Sendable {
    /// Active beneficiaries paid in cash or cash at home.
    case cash
    /// Paid in cash, with a CCCD and receiving for themselves: could open an account.
    case canOpenAccount = "can-open-account"
    /// Active beneficiaries without a CCCD.
    case missingDocuments = "missing-documents"
    /// Paid through an authorised person or guardian while the beneficiary's own CCCD is missing.
    case recipientMissingDocuments = "recipient-missing-documents"

    var condition: String {
        switch self {
        case .cash: "payment_method IN ('cash', 'cash_home')"
        case .canOpenAccount: "payment_method IN ('cash', 'cash_home') AND cccd IS NOT NULL AND recipient = 'self'"
        case .missingDocuments: "cccd IS NULL"
        case .recipientMissingDocuments: "recipient IN ('authorized', 'guardian') AND cccd IS NULL"
        }
    }
}

public struct RegisterLists: Sendable {
    public let database: Database

    public init(database: Database) { self.database = database }

    public static let header = ["beneficiary_id", "full_name", "commune_code", "program", "category", "payment_method",
                                "cccd", "phone", "recipient", "recipient_name"]

    /// Writes the list as CSV (UTF-8 with a BOM, CRLF, so that Excel opens it) to `output`;
    /// CCCDs and phone numbers are masked. Returns the number of beneficiaries listed.
    @discardableResult
    public func write(_ kind: RegisterListKind, district: String, asOf: Period, to output: FileHandle) async throws -> Int {
        let sql = """
            SELECT beneficiary_id, full_name, commune_code, program, category, payment_method, coalesce(cccd, ''),
                   coalesce(phone, ''), recipient, coalesce(recipient_name, '')
            FROM beneficiaries
            WHERE unit_code = $1 AND deceased_on IS NULL
              AND (eligible_until IS NULL OR eligible_until >= to_date($2, 'YYYY-MM')) AND \(kind.condition)
            ORDER BY commune_code, beneficiary_id
            """
        var query = PostgresQuery(unsafeSQL: sql)
        query.binds.append(district)
        query.binds.append(asOf.description)
        let rows = try await database.query(query, "list district \(district)")
        var csv = CSVOutput(output, header: Self.header)
        var count = 0
        do {
            for try await row in rows.decode((String, String, String, String, String, String, String, String, String, String).self) {
                try csv.append([row.0, row.1, row.2, row.3, row.4, row.5, row.6.isEmpty ? "" : CitizenID.masked(row.6),
                                row.7.isEmpty ? "" : CitizenID.masked(row.7), row.8, row.9])
                count += 1
            }
        } catch {
            throw StoreError.from(error, context: "list district \(district)", url: database.url)
        }
        try csv.flush()
        return count
    }
}
