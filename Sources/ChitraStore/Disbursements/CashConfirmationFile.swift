import ChitraCore
import Foundation

/// A post office's confirmation file, parsed and checked row by row before anything is looked up:
/// `end_to_end_id, beneficiary_id, amount_vnd, status (paid|not_found), paid_on, received_by`.
struct CashConfirmationFile {
    struct Row {
        var line: Int
        var endToEndID: String
        var beneficiaryID: String
        var amount: Int64
        var paid: Bool
        var paidOn: String
        var receivedBy: String
    }

    static let columns = ["end_to_end_id", "beneficiary_id", "amount_vnd", "status", "paid_on", "received_by"]

    var rows: [Row] = []
    var problems: [ImportProblem] = []

    /// Parses `data` (UTF-8 CSV, a BOM and any line ending accepted).
    init(data: Data) {
        var parser = CSVParser()
        var positions: [String: Int]?
        var seen: [String: Int] = [:]
        func handle(_ record: CSVParser.Record) {
            let fields = record.fields.map { String(decoding: CSVParser.trimmed($0), as: UTF8.self) }
            guard let header = positions else {
                var found: [String: Int] = [:]
                for (index, name) in fields.enumerated() { found[name] = index }
                for column in Self.columns where found[column] == nil {
                    problems.append(ImportProblem(line: record.line, column: column, "this required column is missing from the header.",
                                                  vietnamese: "tiêu đề thiếu cột bắt buộc này."))
                }
                positions = found
                return
            }
            guard fields.count == header.count else {
                problems.append(ImportProblem(line: record.line, "the row has \(fields.count) fields but the header has \(header.count).",
                                              vietnamese: "dòng có \(fields.count) trường nhưng tiêu đề có \(header.count)."))
                return
            }
            func field(_ name: String) -> String { header[name].map { fields[$0] } ?? "" }
            let line = record.line
            let e2e = field("end_to_end_id"), id = field("beneficiary_id"), status = field("status"), paidOn = field("paid_on")
            guard !e2e.isEmpty else { return problems.append(ImportProblem(line: line, column: "end_to_end_id", "the EndToEndId is empty.",
                                                                            vietnamese: "mã giao dịch để trống.")) }
            if let first = seen[e2e] {
                return problems.append(ImportProblem(line: line, column: "end_to_end_id", "\(e2e) is confirmed again (first on line \(first)).",
                                                   vietnamese: "\(e2e) được xác nhận lần nữa (lần đầu ở dòng \(first))."))
            }
            seen[e2e] = line
            guard let amount = Int64(field("amount_vnd")), amount > 0 else {
                return problems.append(ImportProblem(line: line, column: "amount_vnd", "'\(field("amount_vnd"))' is not an amount in đồng.",
                                                   vietnamese: "“\(field("amount_vnd"))” không phải số tiền (đồng)."))
            }
            guard status == "paid" || status == "not_found" else {
                return problems.append(ImportProblem(line: line, column: "status", "'\(status)' is not a status; use paid or not_found.",
                                                   vietnamese: "“\(status)” không phải trạng thái; dùng paid (đã chi) hoặc not_found (không tìm thấy người nhận)."))
            }
            if status == "paid", Day(paidOn) == nil {
                return problems.append(ImportProblem(line: line, column: "paid_on", "'\(paidOn)' is not a day written YYYY-MM-DD.",
                                                   vietnamese: "“\(paidOn)” không phải ngày viết dạng YYYY-MM-DD."))
            }
            rows.append(Row(line: line, endToEndID: e2e, beneficiaryID: id, amount: amount, paid: status == "paid",
                            paidOn: status == "paid" ? paidOn : "", receivedBy: field("received_by")))
        }
        do {
            try data.withUnsafeBytes { try parser.feed($0.bindMemory(to: UInt8.self), emit: handle) }
            try parser.finish(emit: handle)
        } catch let failure as CSVParser.Failure {
            problems.append(RegisterImporter.problem(failure))
        } catch {
            problems.append(ImportProblem(line: 0, "the file cannot be read: \(error)."))
        }
        if positions == nil { problems.append(ImportProblem(line: 1, "the file is empty.", vietnamese: "tệp trống.")) }
    }
}
