import ChitraCore
import Testing

/// What a statement's entries do to the transfers they name (`StatementMatching`).
@Suite("Statement matching")
struct StatementMatchingTests {
    static let day = Day("2026-07-21")!

    static func entry(_ reference: String, _ direction: BankStatement.Direction, _ code: BankStatement.TransactionCode, reversal: Bool = false,
                      amount: Int64 = 500_000, reason: String? = nil) -> BankStatement.Entry {
        .init(servicerReference: reference, amountVND: amount, direction: direction, reversal: reversal, bookingDay: day, code: code,
              endToEndID: "E1", returnReason: reason)
    }

    @Test("a debit settles a paid transfer; a second debit is a duplicate; money back while it is outstanding gives back the duplicate, never the payment")
    func duplicateThenReversal() {
        for back in [Self.entry("R3", .credit, .transferSent, reversal: true), Self.entry("R3", .credit, .transferReturned, reason: "AM05"),
                     Self.entry("R3", .credit, .recallCredited, reason: "DUPL")] {
            var transfers = ["E1": StatementMatching.Transfer(amountVND: 500_000, state: .paid, debited: false)]
            let decisions = StatementMatching.decide([Self.entry("R1", .debit, .transferSent), Self.entry("R2", .debit, .transferSent), back],
                                                     transfers: &transfers)
            #expect(decisions.map(\.outcome) == [.settled, .breakRaised, .recalled], "\(back)")
            #expect(decisions[1].breakRaised?.kind == .duplicate && transfers["E1"]?.state == .settled && transfers["E1"]?.duplicatesOutstanding == 0)
            // A second return then is the payment coming back: owed again.
            let again = StatementMatching.decide(Self.entry("R4", .credit, .transferReturned, reason: "AC04"), transfers: &transfers)
            #expect(again.outcome == .returned && again.next == .returned)
        }
    }

    @Test("another amount, an unknown id, a debit of a failed transfer and money back for what was not recalled are breaks")
    func breaks() {
        var transfers = ["E1": StatementMatching.Transfer(amountVND: 500_000, state: .failed, debited: false)]
        #expect(StatementMatching.decide(Self.entry("R1", .debit, .transferSent), transfers: &transfers).breakRaised?.kind == .unexpected)
        transfers["E1"] = .init(amountVND: 500_000, state: .paid, debited: false)
        #expect(StatementMatching.decide(Self.entry("R2", .debit, .transferSent, amount: 499_000), transfers: &transfers).breakRaised?.kind == .amount)
        #expect(StatementMatching.decide(Self.entry("R3", .credit, .recallCredited), transfers: &transfers).breakRaised?.kind == .invalidReturn)
        var none: [String: StatementMatching.Transfer] = [:]
        #expect(StatementMatching.decide(Self.entry("R4", .debit, .transferSent), transfers: &none).breakRaised?.kind == .unknown)
        #expect(StatementMatching.decide(Self.entry("R5", .debit, .charge), transfers: &none).outcome == .charge)
    }
}
