/// The decree tables: base levels by program from a month on, category coefficients, funeral
/// allowances. Past rows are never edited: a month is paid at the rate in force in that month.
public struct PolicyTable: Sendable {
    public struct Level: Sendable, Hashable {
        public var from: Period
        public var amount: Money
    }

    public struct Category: Sendable, Hashable {
        public var program: Program
        public var code: String
        /// Thousandths: 1.5 is 1500.
        public var coefficientThousandths: Int64
        public var description: String
        /// The description in English (the Vietnamese one when the table gives none).
        public var descriptionEnglish: String
    }

    /// Per program, sorted by `from`.
    public private(set) var baseLevels: [Program: [Level]]
    public private(set) var funeralAllowances: [Program: [Level]]
    public private(set) var categories: [String: Category]

    public init(baseLevels: [Program: [Level]], funeralAllowances: [Program: [Level]], categories: [Category]) {
        self.baseLevels = baseLevels.mapValues { $0.sorted { $0.from < $1.from } }
        self.funeralAllowances = funeralAllowances.mapValues { $0.sorted { $0.from < $1.from } }
        self.categories = Dictionary(categories.map { ("\($0.program.rawValue)/\($0.code)", $0) }, uniquingKeysWith: { $1 })
    }

    public func category(_ code: String, program: Program) -> Category? {
        categories["\(program.rawValue)/\(code)"]
    }

    /// The base level of `program` in force in `period`.
    public func baseLevel(_ program: Program, in period: Period) throws(PolicyError) -> Money {
        guard let level = Self.inForce(baseLevels[program] ?? [], at: period) else {
            throw .noBaseLevel(program: program, period: period)
        }
        return level
    }

    /// The funeral allowance of `program` for a death in `period`.
    public func funeralAllowance(_ program: Program, for period: Period) throws(PolicyError) -> Money {
        guard let level = Self.inForce(funeralAllowances[program] ?? [], at: period) else {
            throw .noFuneralAllowance(program: program, period: period)
        }
        return level
    }

    /// Base level of the month × the category's coefficient, rounded to the nearest 1,000 đồng.
    public func monthlyAmount(program: Program, category code: String, period: Period) throws(PolicyError) -> Money {
        guard let category = category(code, program: program) else {
            throw .unknownCategory(program: program, code: code)
        }
        return Money.monthlyAmount(base: try baseLevel(program, in: period),
                                   coefficientThousandths: category.coefficientThousandths)
    }

    static func inForce(_ levels: [Level], at period: Period) -> Money? {
        levels.last(where: { $0.from <= period })?.amount
    }
}

public enum PolicyError: Error, Sendable, Hashable, CustomStringConvertible {
    case noBaseLevel(program: Program, period: Period)
    case noFuneralAllowance(program: Program, period: Period)
    case unknownCategory(program: Program, code: String)
    case badTable(file: String, line: Int, problem: String)

    public var description: String {
        switch self {
        case .noBaseLevel(let program, let period):
            "No base level of program \(program.rawValue) is in force in \(period); add one to the policy table."
        case .noFuneralAllowance(let program, let period):
            "No funeral allowance of program \(program.rawValue) is in force in \(period); add one to the policy table."
        case .unknownCategory(let program, let code):
            "Category \(code) is not in the policy table of program \(program.rawValue)."
        case .badTable(let file, let line, let problem):
            "Policy table \(file), line \(line): \(problem)."
        }
    }
}
