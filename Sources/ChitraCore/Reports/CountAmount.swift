/// How many disbursements and how much money: one cell of a report.
public struct CountAmount: Sendable, Hashable, Codable {
    public var count: Int
    public var amountVND: Int64

    public init(count: Int = 0, amountVND: Int64 = 0) {
        self.count = count
        self.amountVND = amountVND
    }

    public static let zero = CountAmount()

    public static func + (lhs: CountAmount, rhs: CountAmount) -> CountAmount {
        CountAmount(count: lhs.count + rhs.count, amountVND: lhs.amountVND + rhs.amountVND)
    }

    public static func += (lhs: inout CountAmount, rhs: CountAmount) { lhs = lhs + rhs }

    enum CodingKeys: String, CodingKey { case count, amountVND = "amount_vnd" }
}
