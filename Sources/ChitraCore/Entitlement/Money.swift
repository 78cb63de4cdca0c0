/// An amount of Vietnamese đồng. Integer, never floating point: the đồng has no subunit.
public struct Money: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var dong: Int64

    public init(dong: Int64) { self.dong = dong }

    public static let zero = Money(dong: 0)

    public static func + (lhs: Money, rhs: Money) -> Money { Money(dong: lhs.dong + rhs.dong) }
    public static func - (lhs: Money, rhs: Money) -> Money { Money(dong: lhs.dong - rhs.dong) }
    public static prefix func - (value: Money) -> Money { Money(dong: -value.dong) }
    public static func += (lhs: inout Money, rhs: Money) { lhs.dong += rhs.dong }
    public static func -= (lhs: inout Money, rhs: Money) { lhs.dong -= rhs.dong }
    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.dong < rhs.dong }

    public var isNegative: Bool { dong < 0 }

    /// `base × coefficient` (coefficient in thousandths: 1.5 is 1500), rounded to the nearest
    /// 1,000 đồng, half up, in exact integer arithmetic.
    public static func monthlyAmount(base: Money, coefficientThousandths: Int64) -> Money {
        // base × coef is in thousandths of a đồng; 1,000 đồng is 1,000,000 of those.
        let product = base.dong * coefficientThousandths
        let thousands = (product + 500_000) / 1_000_000
        return Money(dong: thousands * 1000)
    }

    /// "1.624.000 ₫", as Vietnamese write amounts.
    public var description: String {
        let digits = String(dong.magnitude)
        var grouped = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped.append(".") }
            grouped.append(character)
        }
        return (dong < 0 ? "-" : "") + grouped + " ₫"
    }
}

extension Sequence where Element == Money {
    public func sum() -> Money { reduce(.zero, +) }
}
