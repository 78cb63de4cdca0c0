/// What reached people, by how: to a bank account, to an e-wallet, in cash at the post office, in
/// cash at home. A transfer fallen back to cash counts where it was paid: in cash.
public struct PaidByMethod: Sendable, Hashable, Codable {
    public var bank = CountAmount.zero
    public var wallet = CountAmount.zero
    public var cash = CountAmount.zero
    public var cashHome = CountAmount.zero

    public init() {}

    public var nonCash: CountAmount { bank + wallet }
    public var total: CountAmount { bank + wallet + cash + cashHome }

    public static func + (lhs: PaidByMethod, rhs: PaidByMethod) -> PaidByMethod {
        var sum = PaidByMethod()
        sum.bank = lhs.bank + rhs.bank
        sum.wallet = lhs.wallet + rhs.wallet
        sum.cash = lhs.cash + rhs.cash
        sum.cashHome = lhs.cashHome + rhs.cashHome
        return sum
    }

    enum CodingKeys: String, CodingKey { case bank, wallet, cash, cashHome = "cash_home" }
}
