import ChitraCore
import ChitraStore
import ChitraTesting
import Foundation
import PostgresNIO
import Testing

/// Registers as spreadsheets save them: every line ending, with or without a final one, blank lines
/// at the end, a BOM or not. Every beneficiary of the file is imported, the last one included.
@Suite("Register line endings", .machine(limit: .minutes(3)))
struct RegisterLineEndingTests {
    struct Variant: Sendable, CustomTestStringConvertible {
        var ending: String
        var finalLineEnding: Bool
        var blankLinesAtEnd: Int
        var bom: Bool

        var testDescription: String {
            let name = ["\r\n": "CRLF", "\n": "LF", "\r": "CR"][ending]!
            return "\(name)\(finalLineEnding ? " + final" : ", no final")\(blankLinesAtEnd > 0 ? " + blank lines" : "")\(bom ? " + BOM" : "")"
        }

        static let all: [Variant] = ["\r\n", "\n", "\r"].flatMap { ending in
            [false, true].flatMap { final in
                [0, 2].flatMap { blank in [false, true].map { Variant(ending: ending, finalLineEnding: final, blankLinesAtEnd: blank, bom: $0) } }
            }
        }
    }

    @Test("97 beneficiaries in, 97 imported, the last one included", arguments: Variant.all)
    func everyRecordImported(variant: Variant) async throws {
        try await TestPostgres.withDatabase { database in
            var file = RegisterFileBuilder(district: "957")
            for index in 1...97 { file.add("LE\(index)") }
            let text = file.text(lineEnding: variant.ending, bom: variant.bom, finalLineEnding: variant.finalLineEnding,
                                 blankLinesAtEnd: variant.blankLinesAtEnd)
            let path = try RegisterFileBuilder.temporaryFile(Data(text.utf8))
            defer { try? FileManager.default.removeItem(atPath: path) }
            let summary = try await RegisterImporter(database: database, policy: try PolicyTable.bundled()).importFile(at: path, district: "957", by: .test("operator"))
            #expect(summary.rows == 97 && summary.new == 97)
            #expect(summary.description.hasPrefix("Read 97 records, imported all 97"))
            var ids: [String] = []
            for try await id in try await database.client.query("SELECT beneficiary_id FROM beneficiaries WHERE unit_code = '957'").decode(String.self) {
                ids.append(id)
            }
            #expect(ids.count == 97 && ids.contains("LE97"))
        }
    }
}
