import ChitraCore
import ChitraStore
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
        // The list's columns: end_to_end_id, beneficiary_id, full_name, cccd, commune_code, amount_vnd, …;
        // only the three the reply repeats are decoded (a district's list is tens of thousands of rows).
        var text = "\u{FEFF}end_to_end_id,beneficiary_id,amount_vnd,status,paid_on,received_by\r\n"
        var paid = 0, missing = 0, header = true
        let emit: (CSVParser.Record) throws -> Void = { record in
            if header { header = false; return }
            guard record.fieldCount >= 6 else { return }
            let id = String(decoding: record.field(0), as: UTF8.self)
            let beneficiary = String(decoding: record.field(1), as: UTF8.self)
            let amount = String(decoding: record.field(5), as: UTF8.self)
            if notFound(beneficiary) {
                text += "\(id),\(beneficiary),\(amount),not_found,,\r\n"
                missing += 1
            } else {
                text += "\(id),\(beneficiary),\(amount),paid,\(paidOn),Người nhận \(beneficiary)\r\n"
                paid += 1
            }
        }
        var parser = CSVParser()
        try parser.feed(Array(try Data(contentsOf: URL(fileURLWithPath: list))), emit: emit)
        try parser.finish(emit: emit)
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        return Reply(path: path, paid: paid, notFound: missing)
    }
}
