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

    /// The entries' outcomes (by reference) and the transfer's end, the entries taken in `order`,
    /// one statement each (`together`: all on one), amending earlier ones as the store does.
    static func takeIn(_ order: [BankStatement.Entry], together: Bool) -> (outcomes: [String: StatementMatching.Outcome], transfer: StatementMatching.Transfer) {
        var transfers = ["E1": StatementMatching.Transfer(amountVND: 500_000, state: .paid, debited: false)]
        var taken: [(entry: BankStatement.Entry, outcome: StatementMatching.Outcome)] = []
        for statement in together ? [order] : order.map({ [$0] }) {
            let decisions = StatementMatching.decide(statement, transfers: &transfers)
            for (entry, decision) in zip(statement, decisions) {
                switch decision.amends {
                case .aheadGivesBack?:
                    if let i = taken.firstIndex(where: { $0.outcome == .ahead }) { taken[i].outcome = .recalled }
                case .returnIsThePayments?:
                    if let i = taken.lastIndex(where: { $0.outcome == .recalled && $0.entry.code != .recallCredited }) { taken[i].outcome = .returned }
                case nil: break
                }
                taken.append((entry, decision.outcome))
            }
        }
        return (Dictionary(uniqueKeysWithValues: taken.map { ($0.entry.servicerReference, $0.outcome) }), transfers["E1"]!)
    }

    static func orders(_ entries: [BankStatement.Entry]) -> [[BankStatement.Entry]] {
        guard entries.count > 1 else { return [entries] }
        return entries.indices.flatMap { i in
            orders(Array(entries[..<i] + entries[(i + 1)...])).map { [entries[i]] + $0 }
        }
    }

    @Test("a transfer debited twice and both credits returned ends returned, its duplicate given back, whatever order the entries are taken in")
    func twiceDebitedTwiceReturnedInAnyOrder() {
        let entries = [Self.entry("D1", .debit, .transferSent), Self.entry("D2", .debit, .transferSent),
                       Self.entry("R1", .credit, .transferReturned, reason: "AC04"), Self.entry("R2", .credit, .transferReturned, reason: "AC04")]
        for order in Self.orders(entries) {
            for together in [false, true] {
                let (outcomes, transfer) = Self.takeIn(order, together: together)
                let seen = order.map(\.servicerReference).joined(separator: " ")
                #expect(transfer.state == .returned && transfer.duplicatesOutstanding == 0 && transfer.returnsAhead == 0, "\(seen): \(transfer)")
                #expect(outcomes.values.sorted { $0.rawValue < $1.rawValue } == [.breakRaised, .recalled, .returned, .settled], "\(seen): \(outcomes)")
            }
        }
    }

    @Test("a second debit recalled and the payment returned ends returned, whichever of the recall's credit and the return is taken in first")
    func recalledAndReturnedInAnyOrder() {
        let recall = Self.entry("C", .credit, .recallCredited, reason: "DUPL")
        let entries = [Self.entry("D1", .debit, .transferSent), Self.entry("D2", .debit, .transferSent), recall,
                       Self.entry("R1", .credit, .transferReturned, reason: "MD07")]
        // The bank gives a second debit back only once Chitra has seen it: the credit comes after both debits.
        for order in Self.orders(entries) where order.firstIndex(of: recall)! > order.firstIndex(of: entries[0])!
            && order.firstIndex(of: recall)! > order.firstIndex(of: entries[1])! {
            for together in [false, true] {
                let (outcomes, transfer) = Self.takeIn(order, together: together)
                let seen = order.map(\.servicerReference).joined(separator: " ")
                #expect(transfer.state == .returned && transfer.duplicatesOutstanding == 0 && transfer.returnsForDuplicates == 0, "\(seen): \(transfer)")
                #expect(outcomes["C"] == .recalled && outcomes["R1"] == .returned, "\(seen): \(outcomes)")
            }
        }
    }

    @Test("money back for a transfer returned already waits for its second debit, and a recall's credit for what the bank returned already is a break")
    func returnAheadAndRecallOfTheReturned() {
        var transfers = ["E1": StatementMatching.Transfer(amountVND: 500_000, state: .returned, debited: true)]
        let ahead = StatementMatching.decide(Self.entry("R2", .credit, .transferReturned, reason: "AC04"), transfers: &transfers)
        #expect(ahead.outcome == .ahead && ahead.breakRaised == nil && transfers["E1"]?.returnsAhead == 1)
        transfers["E1"] = .init(amountVND: 500_000, state: .returned, debited: true, returnsForDuplicates: 1)
        let recall = StatementMatching.decide(Self.entry("C", .credit, .recallCredited, reason: "DUPL"), transfers: &transfers)
        #expect(recall.breakRaised?.kind == .invalidReturn && recall.amends == nil)
    }
}
