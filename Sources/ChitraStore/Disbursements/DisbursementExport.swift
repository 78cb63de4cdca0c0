import ChitraCore
import Foundation
import PostgresNIO

/// `chitra export disbursements`: one row per disbursement of a district and month.
public struct DisbursementRow: Sendable, Hashable, Codable {
    public var beneficiaryID: String
    public var period: String
    public var amountVND: Int64
    public var method: String
    public var state: String
    public var endToEndID: String
    public var attempts: Int

    enum CodingKeys: String, CodingKey {
        case beneficiaryID = "beneficiary_id", period, amountVND = "amount_vnd", method, state
        case endToEndID = "end_to_end_id", attempts
    }

    public static let csvHeader = "beneficiary_id,period,amount_vnd,method,state,end_to_end_id,attempts"

    public var csvLine: String {
        [beneficiaryID, period, String(amountVND), method, state, endToEndID, String(attempts)].joined(separator: ",")
    }

    /// Streams the rows of `district` and `period` to `body`, in beneficiary order.
    public static func each(district: String, period: Period, database: Database,
                            _ body: (DisbursementRow) async throws -> Void) async throws {
        let rows = try await database.query("""
            SELECT d.beneficiary_id, to_char(d.period, 'YYYY-MM'), d.amount_vnd, d.method, \(unescaped: DisbursementStateSQL.seenState(run: "r.state")),
                   d.end_to_end_id, d.attempts
            FROM disbursements d JOIN runs r ON r.id = d.run_id WHERE d.unit_code = \(district) AND d.period = \("\(period)-01")::date
            ORDER BY beneficiary_id
            """, "export the disbursements of district \(district)")
        do {
            for try await (id, month, amount, method, state, e2e, attempts) in rows.decode(
                (String, String, Int64, String, String, String, Int32).self) {
                try await body(DisbursementRow(beneficiaryID: id, period: month, amountVND: amount, method: method, state: state,
                                         endToEndID: e2e, attempts: Int(attempts)))
            }
        } catch let error as PSQLError {
            throw StoreError.from(error, context: "export disbursements", url: database.url)
        }
    }
}
