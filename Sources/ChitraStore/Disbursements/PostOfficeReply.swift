import ChitraCore
import Foundation

/// The post office's reply to a district's cash list, as the simulated post office gives it (the
/// demo, the benchmarks, the tests): the list is written, then read back as the post office would,
/// and each row is confirmed paid on `paidOn`, or `not_found` when `notFound` says so.
public enum PostOfficeReply {
    public struct Reply: Sendable, Hashable {
        public var path: String
        public var paid: Int
        public var notFound: Int
    }

    public static func write(district: String, period: Period, paidOn: String, to path: String, notFound: (String) -> Bool = { _ in false },
                             database: Database) async throws -> Reply {
        let list = path + ".list.csv"
        guard FileManager.default.createFile(atPath: list, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: list])
        }
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
        // The list's columns: end_to_end_id, beneficiary_id, full_name, cccd, commune_code, amount_vnd, …
        for row in rows.dropFirst() where row.count >= 6 {
            if notFound(row[1]) {
                text += "\(row[0]),\(row[1]),\(row[5]),not_found,,\r\n"
                missing += 1
            } else {
                text += "\(row[0]),\(row[1]),\(row[5]),paid,\(paidOn),Người nhận \(row[1])\r\n"
                paid += 1
            }
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        return Reply(path: path, paid: paid, notFound: missing)
    }
}
