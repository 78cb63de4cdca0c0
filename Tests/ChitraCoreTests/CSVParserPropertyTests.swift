import ChitraCore
import Testing

/// Generated registers, written with every line ending a spreadsheet produces, parse back to
/// exactly the records that were written, on the lines where they start.
@Suite("CSV parser properties")
struct CSVParserPropertyTests {
    enum LineEnding: String, CaseIterable, Sendable { case crlf = "\r\n", lf = "\n", cr = "\r" }

    static let pieces = ["a", "Nguyễn Thị Ánh", "Bạc Liêu", ",", "\"", "\r", "\n", "\r\n", " ", "970436", "đồng", "x,y", "ĐƯỜNG"]

    static func randomField(_ g: inout SeededGenerator) -> String {
        let count = Int.random(in: 0...4, using: &g)
        return (0..<count).map { _ in pieces.randomElement(using: &g)! }.joined()
    }

    /// A field as a spreadsheet writes it: quoted when it must be (and sometimes when it need not).
    static func written(_ field: String, _ g: inout SeededGenerator) -> String {
        // Bytes, not Characters: Swift holds "\r\n" as one Character, equal to neither "\r" nor "\n".
        let mustQuote = field.utf8.contains(where: { Array(",\"\r\n".utf8).contains($0) })
        guard mustQuote || Int.random(in: 0..<8, using: &g) == 0 else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func parse(_ bytes: [UInt8], chunk: Int) throws -> [(line: Int, fields: [String])] {
        var parser = CSVParser()
        var records: [(line: Int, fields: [String])] = []
        let keep = { (record: CSVParser.Record) in records.append((record.line, record.fields.map { String(decoding: $0, as: UTF8.self) })) }
        var start = 0
        while start < bytes.count {
            let end = min(start + chunk, bytes.count)
            try parser.feed(Array(bytes[start..<end]), emit: keep)
            start = end
        }
        try parser.finish(emit: keep)
        return records
    }

    @Test("random registers round-trip with CRLF, LF and CR, with or without a final line ending and a BOM",
          arguments: LineEnding.allCases)
    func roundTrip(ending: LineEnding) throws {
        var g = SeededGenerator(state: 0xC5_1A_2026 &+ UInt64(ending.rawValue.utf8.count * 7 + Int(ending.rawValue.utf8.last!)))
        for _ in 0..<300 {
            let columns = Int.random(in: 2...6, using: &g)
            let rows = Int.random(in: 1...12, using: &g)
            let records = (0..<rows).map { _ in (0..<columns).map { _ in Self.randomField(&g) } }
            let finalEnding = Bool.random(using: &g)
            let bom = Bool.random(using: &g)
            var text = bom ? "\u{FEFF}" : ""
            var lines: [Int] = []
            for (index, record) in records.enumerated() {
                // Swift holds "\r\n" as one Character: every newline Character is one line break
                // (counted in place: filtered into a new String, a lone CR and LF would merge).
                lines.append(1 + text.reduce(0) { $0 + ($1.isNewline ? 1 : 0) })
                text += record.map { Self.written($0, &g) }.joined(separator: ",")
                if index < records.count - 1 || finalEnding { text += ending.rawValue }
            }
            let parsed = try Self.parse(Array(text.utf8), chunk: Int.random(in: 1...64, using: &g))
            #expect(parsed.map(\.fields) == records, "\(ending) final=\(finalEnding) bom=\(bom): \(text.debugDescription)")
            #expect(parsed.map(\.line) == lines, "\(ending): \(text.debugDescription)")
        }
    }
}
