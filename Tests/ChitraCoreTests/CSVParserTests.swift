import ChitraCore
import Testing

@Suite("CSV parser (RFC 4180)")
struct CSVParserTests {
    static func parse(_ text: String, chunk: Int = 3) throws -> [(Int, [String])] {
        var parser = CSVParser()
        var records: [(Int, [String])] = []
        let bytes = Array(text.utf8)
        var start = 0
        // Feed in small chunks: records and fields cross chunk boundaries.
        while start < bytes.count {
            let end = min(start + chunk, bytes.count)
            try parser.feed(Array(bytes[start..<end])) { records.append(($0.line, $0.fields.map { String(decoding: $0, as: UTF8.self) })) }
            start = end
        }
        try parser.finish { records.append(($0.line, $0.fields.map { String(decoding: $0, as: UTF8.self) })) }
        return records
    }

    @Test("quoted fields hold commas, doubled quotes and line breaks; lines are counted through them")
    func quoting() throws {
        let records = try Self.parse("a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\nlast,row,here")
        #expect(records.map(\.1) == [["a", "b", "c"], ["x, y", "say \"hi\"", "two\nlines"], ["last", "row", "here"]])
        #expect(records.map(\.0) == [1, 2, 4])
    }

    @Test("a BOM is skipped, CRLF and LF both end records, blank lines are no records")
    func bomAndLineEnds() throws {
        let records = try Self.parse("\u{FEFF}h1,h2\r\nv1,v2\r\n\r\nv3,\n")
        #expect(records.map(\.1) == [["h1", "h2"], ["v1", "v2"], ["v3", ""]])
        #expect(records.map(\.0) == [1, 2, 4])
    }

    @Test("malformed quoting is refused with its line", arguments: [
        ("a,b\nx\"y,z\n", CSVParser.Failure.strayQuote(line: 2)),
        ("a,b\n\"x\"y,z\n", CSVParser.Failure.strayQuote(line: 2)),
        ("a,b\n\"never closed,z\n", CSVParser.Failure.unterminatedQuote(line: 2)),
    ])
    func malformed(text: String, failure: CSVParser.Failure) {
        #expect(throws: failure) { try Self.parse(text) }
    }

    @Test("a field longer than the limit is refused, so garbage cannot take unbounded memory")
    func fieldTooLong() {
        let text = "a\n" + String(repeating: "x", count: CSVParser.maximumFieldBytes + 1)
        #expect(throws: CSVParser.Failure.fieldTooLong(line: 2)) { try Self.parse(text, chunk: 4096) }
    }
}

@Suite("CSV text (what Chitra writes)")
struct CSVTextTests {
    @Test("fields are quoted only when they must be, quotes doubled, and read back as written")
    func fields() throws {
        #expect(CSVText.field("Nguyễn Văn Ân") == "Nguyễn Văn Ân")
        #expect(CSVText.field("a,b") == "\"a,b\"")
        #expect(CSVText.field("Bà \"Tư\"") == "\"Bà \"\"Tư\"\"\"")
        #expect(CSVText.field("\"") == "\"\"\"\"")
        #expect(CSVText.field("a\r\nb") == "\"a\r\nb\"")
        let fields = ["\"đầu", "giữa\"\"x", "cuối\"", ",", "", "thường"]
        let records = try CSVParserTests.parse(CSVText.line(fields))
        #expect(records.map(\.1) == [fields])
    }
}

@Suite("CSV for people")
struct CSVFormulaTests {
    @Test("a cell starting with = + - @ TAB or CR becomes text behind an apostrophe; others stay as they are", arguments: [
        ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"), ("+84912345678", "'+84912345678"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"), ("\rx", "'\rx"), ("Nguyễn Văn A", "Nguyễn Văn A"), ("", ""), ("0912", "0912"), ("a=b", "a=b"),
    ])
    func neutralised(cell: String, expected: String) {
        #expect(CSVText.neutralised(cell) == expected)
    }
}
