/// A small CSV with a header row, read whole into rows of named fields, each with the line it
/// starts on: the decree tables and the official unit lists. (Registers stream through
/// `CSVParser` instead.) Fields are trimmed of spaces and tabs and must be UTF-8.
public enum CSVRows {
    /// What is wrong, and on which line (0: the whole text).
    public struct Problem: Error, Sendable, Equatable {
        public var line: Int
        public var problem: String
    }

    /// What to do with a row holding more fields than the header names: the decree tables have a
    /// free-text source column whose commas are not quoted, so they ignore the rest.
    public enum ExtraFields: Sendable { case refuse, ignore }

    public static func read(_ text: String, required: [String], extraFields: ExtraFields = .refuse) throws(Problem)
        -> [(line: Int, values: [String: String])] {
        var parser = CSVParser()
        var records: [CSVParser.Record] = []
        do {
            try parser.feed(Array(text.utf8)) { records.append($0) }
            try parser.finish { records.append($0) }
        } catch {
            throw Problem(line: 0, problem: "it is not valid CSV (\(error))")
        }
        guard let header = records.first?.fields.map({ String(decoding: CSVParser.trimmed($0), as: UTF8.self) }) else {
            throw Problem(line: 1, problem: "it is empty")
        }
        for column in required where !header.contains(column) {
            throw Problem(line: 1, problem: "column \(column) is missing")
        }
        var rows: [(line: Int, values: [String: String])] = []
        for record in records.dropFirst() {
            guard record.fieldCount == header.count || (extraFields == .ignore && record.fieldCount > header.count) else {
                throw Problem(line: record.line, problem: "it has \(record.fieldCount) fields where the header has \(header.count)")
            }
            var values: [String: String] = [:]
            for (index, column) in header.enumerated() {
                guard let value = String(validating: CSVParser.trimmed(record.field(index)), as: UTF8.self) else {
                    throw Problem(line: record.line, problem: "\(column) is not UTF-8 text")
                }
                values[column] = value
            }
            rows.append((record.line, values))
        }
        return rows
    }
}
