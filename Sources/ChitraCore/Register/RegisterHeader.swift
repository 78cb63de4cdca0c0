/// The header of a register file: which file column holds which `RegisterColumn`.
public struct RegisterHeader: Sendable {
    /// For each column of the file, its place in `RegisterColumn.allCases`.
    let slots: [Int]

    /// Reads the header record; throws every problem with it (unknown, missing, repeated columns).
    public init(_ record: CSVParser.Record) throws(ImportFailure) {
        var problems: [ImportProblem] = []
        var slots: [Int] = []
        var seen = Set<RegisterColumn>()
        for bytes in record.fields {
            let name = String(validating: CSVParser.trimmed(bytes), as: UTF8.self) ?? "?"
            guard let column = RegisterColumn(rawValue: name) else {
                problems.append(ImportProblem(line: record.line, column: name, "this column is not part of the register format."))
                slots.append(-1)
                continue
            }
            if !seen.insert(column).inserted {
                problems.append(ImportProblem(line: record.line, column: name, "this column appears twice."))
            }
            slots.append(column.ordinal)
        }
        for column in RegisterColumn.required where !seen.contains(column) {
            problems.append(ImportProblem(line: record.line, column: column.rawValue, "this required column is missing from the header."))
        }
        guard problems.isEmpty else { throw ImportFailure(problems: problems, total: problems.count) }
        self.slots = slots
    }

    /// The row of `record`, or the problem that stops it being one.
    public func row(_ record: CSVParser.Record) -> Result<RegisterRow, ImportProblem> {
        guard record.fieldCount == slots.count else {
            return .failure(ImportProblem(line: record.line,
                                          "the row has \(record.fieldCount) fields but the header has \(slots.count)."))
        }
        var values = [String](repeating: "", count: RegisterColumn.allCases.count)
        for index in 0..<slots.count where slots[index] >= 0 {
            let bytes = CSVParser.trimmed(record.field(index))
            guard !bytes.isEmpty else { continue }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                return .failure(ImportProblem(line: record.line, column: RegisterColumn.allCases[slots[index]].rawValue,
                                              "the text is not valid UTF-8; save the file as UTF-8."))
            }
            values[slots[index]] = text
        }
        return .success(RegisterRow(line: record.line, values: values))
    }
}

/// An import refused: the first problems (at most `ImportFailure.shownLimit`) and how many in all.
public struct ImportFailure: Error, Sendable, CustomStringConvertible {
    public static let shownLimit = 100

    public var problems: [ImportProblem]
    public var total: Int

    public init(problems: [ImportProblem], total: Int) {
        self.problems = Array(problems.prefix(Self.shownLimit))
        self.total = total
    }

    public init(_ problem: ImportProblem) {
        self.init(problems: [problem], total: 1)
    }

    public var description: String {
        var lines = problems.map(\.description)
        if total > problems.count { lines.append("… and \(total - problems.count) more problems.") }
        lines.append("Nothing was imported: \(total) problem\(total == 1 ? "" : "s") found.")
        return lines.joined(separator: "\n")
    }
}
