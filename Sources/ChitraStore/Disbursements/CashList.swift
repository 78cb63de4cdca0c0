import ChitraCore
import Foundation
import PostgresNIO

/// `chitra cash list`: the post office's list of a district and month, per commune: CSV (UTF-8
/// with a BOM, CRLF: Excel opens it), CCCDs masked.
public enum CashList {
    public static let header = ["end_to_end_id", "beneficiary_id", "full_name", "cccd", "commune_code", "amount_vnd", "recipient",
                                "recipient_name", "home_delivery"]

    /// Writes the list to `output`; returns how many disbursements and how much it holds.
    @discardableResult
    public static func write(district: String, period: Period, commune: String?, database: Database,
                             to output: FileHandle) async throws -> (count: Int, total: Money) {
        let rows = try await database.query(CashSQL.list(district: district, period: period, commune: commune),
                                            "list the cash of district \(district)")
        var csv = CSVOutput(output, header: header)
        var count = 0
        var total = Money.zero
        do {
            for try await (e2e, id, name, cccd, commune, amount, recipient, recipientName, home) in rows.decode(
                (String, String, String, String, String, Int64, String, String, Bool).self) {
                try csv.append([e2e, id, name, cccd.isEmpty ? "" : CitizenID.masked(cccd), commune, String(amount), recipient, recipientName,
                                home ? "yes" : "no"])
                count += 1
                total += Money(dong: amount)
            }
        } catch {
            throw StoreError.from(error, context: "list the cash of district \(district)", url: database.url)
        }
        try csv.flush()
        return (count, total)
    }
}
