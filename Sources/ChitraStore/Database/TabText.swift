/// Rows that the database aggregates into one text value per query (`string_agg` of tab-separated
/// fields, one row per line): thousands of rows cross the wire and are decoded as one value,
/// not row by row. Only for values that hold no tab or line break (ids, codes, integers); an
/// empty field is NULL.
struct TabText {
    /// The fields of one line, as ranges of the text's bytes.
    struct Record {
        let bytes: UnsafeBufferPointer<UInt8>
        let fields: [Range<Int>]

        func string(_ index: Int) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[fields[index]]), as: UTF8.self)
        }

        /// The field as an integer; nil when it is empty (NULL) or not a number.
        func int(_ index: Int) -> Int? {
            let range = fields[index]
            guard !range.isEmpty else { return nil }
            var value = 0
            var negative = false
            for position in range {
                let byte = bytes[position]
                if byte == UInt8(ascii: "-"), position == range.lowerBound {
                    negative = true
                    continue
                }
                guard byte >= 48, byte <= 57 else { return nil }
                value = value &* 10 &+ Int(byte &- 48)
            }
            return negative ? -value : value
        }

        /// Whether the field holds exactly `text`.
        func equals(_ index: Int, _ text: StaticString) -> Bool {
            let range = fields[index]
            guard range.count == text.utf8CodeUnitCount else { return false }
            return text.withUTF8Buffer { expected in
                var position = range.lowerBound
                for byte in expected {
                    if bytes[position] != byte { return false }
                    position += 1
                }
                return true
            }
        }
    }

    /// A line with another number of fields than its query writes: the value cannot be read, and
    /// what it would have said must not be dropped in silence.
    struct Malformed: Error, CustomStringConvertible {
        var firstField: String
        var fields: Int
        var expected: Int
        var description: String { "a row starting \(firstField) came back with \(fields) fields instead of \(expected)" }
    }

    /// Calls `body` with every line of `text`; a non-empty line without exactly `fieldCount` fields
    /// throws `Malformed`.
    static func forEach(_ text: String, fieldCount: Int, _ body: (Record) throws -> Void) throws {
        var text = text
        try text.withUTF8 { bytes in
            var fields: [Range<Int>] = []
            fields.reserveCapacity(fieldCount)
            var start = 0
            var lineStart = 0
            var position = 0
            let count = bytes.count
            while position <= count {
                let byte: UInt8 = position < count ? bytes[position] : 10
                if byte == 9 || byte == 10 {
                    fields.append(start..<position)
                    start = position + 1
                    if byte == 10 {
                        if position > lineStart {
                            let record = Record(bytes: bytes, fields: fields)
                            guard fields.count == fieldCount else {
                                throw Malformed(firstField: record.string(0), fields: fields.count, expected: fieldCount)
                            }
                            try body(record)
                        }
                        fields.removeAll(keepingCapacity: true)
                        lineStart = position + 1
                    }
                }
                position += 1
            }
        }
    }
}
