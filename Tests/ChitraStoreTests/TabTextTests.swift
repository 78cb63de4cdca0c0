@testable import ChitraStore
import Testing

@Suite("Tab-separated text from string_agg")
struct TabTextTests {
    @Test("fields, empty fields as nil, negative numbers, blank lines ignored")
    func parses() throws {
        var seen: [[String]] = []
        var numbers: [Int?] = []
        try TabText.forEach("a\t1\t\nbb\t-20\tx\n\nc\t3\treturned", fieldCount: 3) { row in
            seen.append([row.string(0), row.string(1), row.string(2)])
            numbers.append(row.int(1))
            if row.string(0) == "c" { #expect(row.equals(2, "returned") && !row.equals(2, "return")) }
            #expect(row.int(0) == nil)
        }
        #expect(seen == [["a", "1", ""], ["bb", "-20", "x"], ["c", "3", "returned"]])
        #expect(numbers == [1, -20, 3])
    }

    @Test("a line of the wrong width is refused, naming its first field, never skipped")
    func wrongWidth() {
        var seen = 0
        #expect(throws: TabText.Malformed.self) {
            try TabText.forEach("a\t1\t2\nB77\t1\nc\t3\t4", fieldCount: 3) { _ in seen += 1 }
        }
        #expect(seen == 1)
        do {
            try TabText.forEach("B77\t1", fieldCount: 3) { _ in }
        } catch {
            #expect("\(error)" == "a row starting B77 came back with 2 fields instead of 3")
        }
    }

    @Test("an empty text has no rows")
    func empty() throws {
        var count = 0
        try TabText.forEach("", fieldCount: 1) { _ in count += 1 }
        #expect(count == 0)
    }
}
