import Foundation

extension PolicyTable {
    /// The tables shipped with Chitra (a copy of `shared/policy/`).
    public static func bundled() throws(PolicyError) -> PolicyTable {
        func text(_ name: String) throws(PolicyError) -> String {
            guard let url = Bundle.module.url(forResource: name, withExtension: "csv"),
                  let text = try? String(contentsOf: url, encoding: .utf8) else {
                throw .badTable(file: name + ".csv", line: 0, problem: "missing from the package resources")
            }
            return text
        }
        return try parse(baseLevels: text("base-levels"), categories: text("categories"), funeral: text("funeral"))
    }

    /// The folder of the tables shipped with Chitra: a copy to extend starts from it.
    public static var bundledFolder: String? {
        Bundle.module.url(forResource: "base-levels", withExtension: "csv")?.deletingLastPathComponent().path
    }

    /// Tables from a folder an administrator names (same three file names as `shared/policy/`).
    public static func load(folder: String) throws(PolicyError) -> PolicyTable {
        func text(_ name: String) throws(PolicyError) -> String {
            guard let text = try? String(contentsOfFile: "\(folder)/\(name)", encoding: .utf8) else {
                throw .badTable(file: "\(folder)/\(name)", line: 0, problem: "cannot be read")
            }
            return text
        }
        return try parse(baseLevels: text("base-levels.csv"), categories: text("categories.csv"), funeral: text("funeral.csv"))
    }

    public static func parse(baseLevels: String, categories: String, funeral: String) throws(PolicyError) -> PolicyTable {
        PolicyTable(baseLevels: try levels(baseLevels, file: "base-levels.csv", amountColumn: "base_level_vnd"),
                    funeralAllowances: try levels(funeral, file: "funeral.csv", amountColumn: "funeral_allowance_vnd"),
                    categories: try categoryRows(categories))
    }

    static func rows(_ text: String, file: String, required: [String]) throws(PolicyError) -> [(line: Int, values: [String: String])] {
        do {
            return try CSVRows.read(text, required: required, extraFields: .ignore)
        } catch {
            throw .badTable(file: file, line: error.line, problem: error.problem)
        }
    }

    static func levels(_ text: String, file: String, amountColumn: String) throws(PolicyError) -> [Program: [Level]] {
        var result: [Program: [Level]] = [:]
        for (line, row) in try rows(text, file: file, required: ["program", "effective_from", amountColumn]) {
            guard let program = Program(rawValue: row["program"] ?? "") else {
                throw .badTable(file: file, line: line, problem: "unknown program '\(row["program"] ?? "")'")
            }
            guard let from = Period(row["effective_from"] ?? "") else {
                throw .badTable(file: file, line: line, problem: "effective_from is not YYYY-MM")
            }
            guard let amount = Int64(row[amountColumn] ?? ""), amount > 0 else {
                throw .badTable(file: file, line: line, problem: "\(amountColumn) is not a positive whole number of đồng")
            }
            result[program, default: []].append(Level(from: from, amount: Money(dong: amount)))
        }
        return result
    }

    static func categoryRows(_ text: String) throws(PolicyError) -> [Category] {
        try rows(text, file: "categories.csv", required: ["program", "category", "coefficient"]).map { (line, row) throws(PolicyError) in
            guard let program = Program(rawValue: row["program"] ?? "") else {
                throw .badTable(file: "categories.csv", line: line, problem: "unknown program")
            }
            guard let thousandths = thousandths(row["coefficient"] ?? ""), thousandths > 0 else {
                throw .badTable(file: "categories.csv", line: line, problem: "coefficient is not a positive decimal with at most 3 places")
            }
            let vietnamese = row["description_vi"] ?? ""
            return Category(program: program, code: row["category"] ?? "", coefficientThousandths: thousandths,
                            description: vietnamese, descriptionEnglish: row["description_en"].flatMap { $0.isEmpty ? nil : $0 } ?? vietnamese)
        }
    }

    /// "1.5" → 1500, exactly (no floating point).
    static func thousandths(_ text: String) -> Int64? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = Int64(parts[0]) else { return nil }
        var fraction: Int64 = 0
        if parts.count == 2 {
            let digits = parts[1]
            guard (1...3).contains(digits.count), digits.allSatisfy(\.isNumber), let value = Int64(digits) else { return nil }
            fraction = value * [100, 10, 1][digits.count - 1]
        }
        return whole * 1000 + fraction
    }
}
