import ChitraCore
import Foundation

/// A CSV file for people, written as rows come from the database: a BOM and the header first, then
/// one CRLF line per row, handed to the file about a megabyte at a time; no cell can be taken for
/// a formula (`CSVText.neutralised`).
struct CSVOutput {
    private let handle: FileHandle
    private var text: String

    init(_ handle: FileHandle, header: [String]) {
        self.handle = handle
        text = CSVText.byteOrderMark + CSVText.line(header)
    }

    mutating func append(_ fields: [String]) throws {
        text += CSVText.line(fields.map(CSVText.neutralised))
        if text.utf8.count > 1 << 20 { try flush() }
    }

    mutating func flush() throws {
        try handle.write(contentsOf: Data(text.utf8))
        text = ""
    }
}
