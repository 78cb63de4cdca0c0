/// A calendar month, `YYYY-MM`: the unit of entitlement and of runs.
public struct Period: Sendable, Hashable, Comparable, TextCodable, Strideable {
    /// Months since year 0: `year × 12 + (month − 1)`.
    public let index: Int

    public init?(year: Int, month: Int) {
        guard (1...12).contains(month), (1900...9999).contains(year) else { return nil }
        index = year * 12 + month - 1
    }

    init(index: Int) { self.index = index }

    /// Parses `YYYY-MM` exactly (four digits, a hyphen, two digits).
    public init?(_ text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count == 7, bytes[4] == UInt8(ascii: "-") else { return nil }
        func digits(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let year = digits(0..<4), let month = digits(5..<7) else { return nil }
        self.init(year: year, month: month)
    }

    public var year: Int { index / 12 }
    public var month: Int { index % 12 + 1 }

    public var description: String {
        let month = self.month
        return "\(year)-\(month < 10 ? "0" : "")\(month)"
    }

    public static func < (lhs: Period, rhs: Period) -> Bool { lhs.index < rhs.index }

    public func advanced(by months: Int) -> Period { Period(index: index + months) }
    public func distance(to other: Period) -> Int { other.index - index }

    public var next: Period { advanced(by: 1) }
    public var previous: Period { advanced(by: -1) }
}

/// A calendar day, `YYYY-MM-DD` (dates of death).
public struct Day: Sendable, Hashable, Comparable, TextCodable {
    public let period: Period
    public let day: Int

    public init?(_ text: some StringProtocol) {
        guard text.utf8.count == 10, let period = Period(text.prefix(7)),
              text.utf8[text.utf8.index(text.utf8.startIndex, offsetBy: 7)] == UInt8(ascii: "-"),
              let day = Int(text.suffix(2)), text.suffix(2).allSatisfy(\.isNumber) else { return nil }
        guard (1...Day.days(in: period)).contains(day) else { return nil }
        self.period = period
        self.day = day
    }

    /// A day known to be valid (from a date the database holds).
    public init(period: Period, day: Int) {
        self.period = period
        self.day = day
    }

    public static func days(in period: Period) -> Int {
        switch period.month {
        case 2:
            let year = period.year
            return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public var description: String { "\(period)-\(day < 10 ? "0" : "")\(day)" }

    public static func < (lhs: Day, rhs: Day) -> Bool { (lhs.period, lhs.day) < (rhs.period, rhs.day) }
}

/// A value written as text in files and JSON (`2024-07`, `2024-07-31`): Codable through its text.
public protocol TextCodable: Codable, CustomStringConvertible {
    init?(_ text: some StringProtocol)
}

extension TextCodable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a \(Self.self): \(text)"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
