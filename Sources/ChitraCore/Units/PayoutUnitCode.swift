/// A payout unit's code (đơn vị chi trả): a district's three digits (months before the 2025 reform)
/// or a commune's five (from it).
public enum PayoutUnitCode {
    /// How a sentence names the unit: "District 954", "Commune 31825".
    public static func named(_ code: String) -> String { (code.utf8.count == 5 ? "Commune " : "District ") + code }

    /// Whether `text` is a district's or a commune's code.
    public static func isValid(_ text: some StringProtocol) -> Bool {
        (text.utf8.count == 3 || text.utf8.count == 5) && text.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
    }
}

/// The months a payout unit pays: from `first` (nil: since before the catalogue) through `last`
/// (nil: still paying), both included.
public struct PayoutMonths: Sendable, Hashable {
    public var first: Period?
    public var last: Period?

    public init(first: Period?, last: Period?) {
        self.first = first
        self.last = last
    }

    public func contains(_ period: Period) -> Bool {
        (first.map { $0 <= period } ?? true) && (last.map { period <= $0 } ?? true)
    }
}
