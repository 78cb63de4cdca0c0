import ChitraCore
import ChitraStore
import Foundation

/// The post office, as tests and benchmarks play it: takes a district's cash list and answers
/// with a confirmation file, every row paid but for those chosen as not found.
public enum PostOffice {
    /// Writes the cash list of `district` and `period`, then a confirmation file for it; returns
    /// the confirmation's path and how many rows it has (paid, not found).
    public static func confirmations(district: String, period: Period, paidOn: String, notFound: (String) -> Bool = { _ in false },
                                     database: Database) async throws -> (path: String, paid: Int, notFound: Int) {
        let list = NSTemporaryDirectory() + "chitra-cash-list-\(UUID().uuidString.prefix(8)).csv"
        _ = FileManager.default.createFile(atPath: list, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: list) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: list))
        _ = try await CashList.write(district: district, period: period, commune: nil, database: database, to: handle)
        try handle.close()
        var parser = CSVParser()
        var rows: [[String]] = []
        let emit: (CSVParser.Record) throws -> Void = { record in rows.append(record.fields.map { String(decoding: $0, as: UTF8.self) }) }
        try parser.feed(Array(try Data(contentsOf: URL(fileURLWithPath: list))), emit: emit)
        try parser.finish(emit: emit)
        var text = "\u{FEFF}end_to_end_id,beneficiary_id,amount_vnd,status,paid_on,received_by\r\n"
        var paid = 0, missing = 0
        // Columns of the list: end_to_end_id, beneficiary_id, full_name, cccd, commune_code, amount_vnd, …
        for row in rows.dropFirst() where row.count >= 6 {
            if notFound(row[1]) {
                text += "\(row[0]),\(row[1]),\(row[5]),not_found,,\r\n"
                missing += 1
            } else {
                text += "\(row[0]),\(row[1]),\(row[5]),paid,\(paidOn),Người nhận \(row[1])\r\n"
                paid += 1
            }
        }
        return (try RegisterFileBuilder.temporaryFile(Data(text.utf8)), paid, missing)
    }
}
