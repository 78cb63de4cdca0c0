import ChitraCore

extension FinanceScope {
    /// A scope as a person writes it (CLI options, API fields), refused with one sentence when a
    /// part is malformed.
    public enum Malformed: Error, Sendable, Equatable, CustomStringConvertible {
        case reason(String)
        case batch(String)
        case rail(String)

        public var description: String {
            switch self {
            case .reason: "The reason must be an ISO 20022 reason code: four capital letters or digits, such as AM04."
            case .batch: "The batch must be a batch's MsgId: up to 35 letters and digits."
            case .rail: "The rail must be bank or wallet."
            }
        }
    }

    public static func checked(district: String, period: Period, batch: String?, reason: String?, rail: String?) throws(Malformed) -> FinanceScope {
        if let reason, reason.utf8.count != 4 || !reason.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber) }) {
            throw .reason(reason)
        }
        if let batch, batch.isEmpty || batch.utf8.count > 35 || !batch.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
            throw .batch(batch)
        }
        var chosen: Rail?
        if let rail {
            guard let value = Rail(rawValue: rail), value != .cash else { throw .rail(rail) }
            chosen = value
        }
        return FinanceScope(district: district, period: period, batch: batch, reason: reason, rail: chosen)
    }
}
