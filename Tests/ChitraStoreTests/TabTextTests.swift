@testable import ChitraStore
import Testing

@Suite("Tab-separated text from string_agg")
struct TabTextTests {
    @Test("fields, empty fields as nil, negative numbers, lines of the wrong width skipped")
    func parses() {
        var seen: [[String]] = []
        var numbers: [Int?] = []
        TabText.forEach("a\t1\t\nbb\t-20\tx\nbad line\n\nc\t3\treturned", fieldCount: 3) { row in
            seen.append([row.string(0), row.string(1), row.string(2)])
            numbers.append(row.int(1))
            if row.string(0) == "c" { #expect(row.equals(2, "returned") && !row.equals(2, "return")) }
            #expect(row.int(0) == nil)
        }
        #expect(seen == [["a", "1", ""], ["bb", "-20", "x"], ["c", "3", "returned"]])
        #expect(numbers == [1, -20, 3])
    }

    @Test("an empty text has no rows")
    func empty() {
        var count = 0
        TabText.forEach("", fieldCount: 1) { _ in count += 1 }
        #expect(count == 0)
    }
}
