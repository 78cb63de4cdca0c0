import ChitraCore
import Foundation
import NIOPosix

/// Register import files for tests: rows from a valid default with overrides, or synthetic ones.
public struct RegisterFileBuilder: Sendable {
    public var district: String
    public var rows: [[RegisterColumn: String]] = []

    public init(district: String) { self.district = district }

    /// A valid row for beneficiary `id`, changed by `overrides`.
    public mutating func add(_ id: String, _ overrides: [RegisterColumn: String] = [:]) {
        let base: [RegisterColumn: String] = [
            .beneficiaryID: id, .fullName: "Nguyễn Văn \(id)", .cccd: "095123456789", .phone: "0912345678",
            .districtCode: district.count == 5 ? "" : district, .communeCode: district.count == 5 ? district : "\(district)01", .program: "btxh", .category: "cao_tuoi_80",
            .eligibleFrom: "2024-07", .paymentMethod: "cash", .recipient: "self",
        ]
        rows.append(base.merging(overrides) { $1 })
    }

    /// The file's text (header, then one line per row), as a spreadsheet may save it: with CRLF, LF
    /// or a lone CR, with or without a line ending after the last row, with blank lines at the end.
    public func text(lineEnding: String = "\n", bom: Bool = false, finalLineEnding: Bool = true, blankLinesAtEnd: Int = 0) -> String {
        var lines = [SyntheticRegister.header]
        for row in rows {
            lines.append(RegisterColumn.allCases.map { CSVText.field(row[$0] ?? "") }.joined(separator: ","))
        }
        let end = (finalLineEnding ? lineEnding : "") + String(repeating: lineEnding, count: blankLinesAtEnd)
        return (bom ? "\u{FEFF}" : "") + lines.joined(separator: lineEnding) + end
    }

    /// Writes the file to a new temporary path.
    public func write(lineEnding: String = "\n", bom: Bool = false) throws -> String {
        try Self.temporaryFile(Data(text(lineEnding: lineEnding, bom: bom).utf8))
    }

    public static func temporaryFile(_ data: Data) throws -> String {
        let path = NSTemporaryDirectory() + "chitra-register-\(UUID().uuidString.prefix(8)).csv"
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A synthetic register of `count` beneficiaries of `district`, streamed to a temporary file.
    /// Written on NIO's pool for blocking work: a million rows take seconds, and the test process's
    /// cooperative threads (two on this machine) serve every other test meanwhile.
    public static func synthetic(district: String, count: Int, first: Int = 1, seed: UInt64 = 95) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { try writeSynthetic(district: district, count: count, first: first, seed: seed) }
    }

    static func writeSynthetic(district: String, count: Int, first: Int, seed: UInt64) throws -> String {
        let path = NSTemporaryDirectory() + "chitra-register-\(UUID().uuidString.prefix(8)).csv"
        let generator = SyntheticRegister(policy: try PolicyTable.bundled(), seed: seed)
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var text = SyntheticRegister.header + "\n"
        for index in first..<(first + count) {
            text += generator.line(district: district, index: index) + "\n"
            if text.utf8.count > 1 << 20 {
                try handle.write(contentsOf: Data(text.utf8))
                text = ""
            }
        }
        try handle.write(contentsOf: Data(text.utf8))
        return path
    }
}
