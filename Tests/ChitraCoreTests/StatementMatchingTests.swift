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
            let (outcomes, transfer) = Self.takeIn([Self.d1, Self.d2, back], order: [0, 1, 2], together: false)
            #expect(outcomes == ["D1": .settled, "D2": .breakRaised, "R3": .recalled] && transfer.state == .settled && transfer.duplicatesOutstanding == 0,
                    "\(back): \(outcomes) \(transfer)")
            // A second return then is the payment coming back: owed again.
            let (again, returned) = Self.takeIn([Self.d1, Self.d2, back, Self.r1], order: [0, 1, 2, 3], together: false)
            #expect(again["R1"] == .returned && returned.state == .returned)
        }
    }

    @Test("another amount, an unknown id, a debit of a failed transfer and money back for what was not recalled are breaks")
    func breaks() {
        var transfers = ["E1": StatementMatching.Transfer(amountVND: 500_000, state: .failed, debited: false)]
        #expect(StatementMatching.decide(Self.entry("R1", .debit, .transferSent), transfers: &transfers).breakRaised?.kind == .unexpected)
        transfers["E1"] = .init(amountVND: 500_000, state: .paid, debited: false)
        #expect(StatementMatching.decide(Self.entry("R2", .debit, .transferSent, amount: 499_000), transfers: &transfers).breakRaised?.kind == .amount)
        #expect(Self.takeIn([Self.d1, Self.recall], order: [0, 1], together: false).outcomes["C"] == .breakRaised, "no second debit was recalled")
        var none: [String: StatementMatching.Transfer] = [:]
        #expect(StatementMatching.decide(Self.entry("R4", .debit, .transferSent), transfers: &none).breakRaised?.kind == .unknown)
        #expect(StatementMatching.decide(Self.entry("R5", .debit, .charge), transfers: &none).outcome == .charge)
    }

    /// `booking`'s entries, a day each in that order, taken in `order` (indices into `booking`; all
    /// on one statement when `together`): each statement decided, amending entries taken in before
    /// as the store does, and the money back that the statements in without a gap from the first
    /// day then cover decided (`expire`). The entries' outcomes by reference and the transfer's end.
    static func takeIn(_ booking: [BankStatement.Entry], order: [Int], together: Bool)
        -> (outcomes: [String: StatementMatching.Outcome], transfer: StatementMatching.Transfer) {
        let days = booking.indices.map { index in
            var entry = booking[index]
            entry.bookingDay = Day(daysSince2000: Self.day.daysSince2000 + index)
            return entry
        }
        var transfer = StatementMatching.Transfer(amountVND: 500_000, state: .paid, debited: false)
        var taken: [(entry: BankStatement.Entry, outcome: StatementMatching.Outcome)] = [], covered = Set<Int>()
        for statement in together ? [order] : order.map({ [$0] }) {
            var transfers = ["E1": transfer]
            let decisions = StatementMatching.decide(statement.map { days[$0] }, transfers: &transfers)
            transfer = transfers["E1"]!
            for (index, decision) in zip(statement, decisions) { taken.append((days[index], decision.outcome)) }
            covered.formUnion(statement)
            let through = (0...booking.count).first { !covered.contains($0) }! - 1
            let due = taken.indices.filter { taken[$0].outcome == .ahead && taken[$0].entry.bookingDay.daysSince2000 - Self.day.daysSince2000 <= through }
                .sorted { taken[$0].entry.bookingDay < taken[$1].entry.bookingDay }
            for (i, decision) in zip(due, StatementMatching.expire(due.map { taken[$0].entry }, transfer: &transfer)) {
                taken[i].outcome = decision.outcome
                // A return taken in before, among those not decided now: the payment's own.
                if decision.amends == .returnIsThePayments, let j = taken.indices.last(where: {
                    !due.contains($0) && taken[$0].outcome == .recalled && taken[$0].entry.code == .transferReturned && !taken[$0].entry.reversal
                }) {
                    taken[j].outcome = .returned
                }
            }
        }
        return (Dictionary(uniqueKeysWithValues: taken.map { ($0.entry.servicerReference, $0.outcome) }), transfer)
    }

    static func orders(_ indices: [Int]) -> [[Int]] {
        guard indices.count > 1 else { return [indices] }
        return indices.indices.flatMap { i in
            orders(Array(indices[..<i] + indices[(i + 1)...])).map { [indices[i]] + $0 }
        }
    }

    /// Every order of `booking`'s entries (those `allowed`) ends as `check` says, a statement an
    /// entry or all on one.
    static func inAnyOrder(_ booking: [BankStatement.Entry], allowed: ([String]) -> Bool = { _ in true },
                           _ check: ([String: StatementMatching.Outcome], StatementMatching.Transfer, String) -> Void) {
        for order in orders(Array(booking.indices)) where allowed(order.map { booking[$0].servicerReference }) {
            for together in [false, true] {
                let (outcomes, transfer) = takeIn(booking, order: order, together: together)
                check(outcomes, transfer, order.map { booking[$0].servicerReference }.joined(separator: " ") + (together ? " (one statement)" : ""))
            }
        }
    }

    static let d1 = entry("D1", .debit, .transferSent), d2 = entry("D2", .debit, .transferSent)
    static let r1 = entry("R1", .credit, .transferReturned, reason: "AC04"), r2 = entry("R2", .credit, .transferReturned, reason: "MD07")
    static let recall = entry("C", .credit, .recallCredited, reason: "DUPL")

    @Test("debited twice and both credits returned, in either booking order: returned, its duplicate given back, whatever order the statements are taken in")
    func twiceDebitedTwiceReturnedInAnyOrder() {
        for booking in [[Self.d1, Self.d2, Self.r1, Self.r2], [Self.d1, Self.r1, Self.d2, Self.r2]] {
            Self.inAnyOrder(booking) { outcomes, transfer, seen in
                #expect(transfer.state == .returned && transfer.duplicatesOutstanding == 0 && !outcomes.values.contains(.ahead), "\(seen): \(transfer)")
                #expect(outcomes.values.sorted { $0.rawValue < $1.rawValue } == [.breakRaised, .recalled, .returned, .settled], "\(seen): \(outcomes)")
            }
        }
    }

    @Test("a second debit recalled and the payment returned ends returned, whichever of the recall's credit and the return is booked or taken in first")
    func recalledAndReturnedInAnyOrder() {
        // The bank gives a second debit back only once Chitra has seen both: its credit is taken in after them.
        let afterBoth = { (order: [String]) in order.firstIndex(of: "C")! > max(order.firstIndex(of: "D1")!, order.firstIndex(of: "D2")!) }
        for booking in [[Self.d1, Self.d2, Self.recall, Self.r1], [Self.d1, Self.d2, Self.r1, Self.recall]] {
            Self.inAnyOrder(booking, allowed: afterBoth) { outcomes, transfer, seen in
                #expect(transfer.state == .returned && transfer.duplicatesOutstanding == 0 && transfer.returnsForDuplicates == 0, "\(seen): \(transfer)")
                #expect(outcomes["C"] == .recalled && outcomes["R1"] == .returned, "\(seen): \(outcomes)")
            }
        }
    }

    @Test("a double debit given back by one return leaves the payment standing, whatever order the statements are taken in")
    func doubleDebitOneReturnInAnyOrder() {
        Self.inAnyOrder([Self.d1, Self.d2, Self.r1]) { outcomes, transfer, seen in
            #expect(transfer.state == .settled && transfer.duplicatesOutstanding == 0 && !outcomes.values.contains(.ahead), "\(seen): \(transfer)")
            #expect(outcomes["R1"] == .recalled && outcomes.values.filter { $0 == .breakRaised }.count == 1, "\(seen): \(outcomes)")
        }
    }

    @Test("a reversal gave the second debit back and the recall's credit came too: a break, never the payment returned and paid again")
    func reversalThenRecall() {
        let reversal = Self.entry("V", .credit, .transferSent, reversal: true)
        Self.inAnyOrder([Self.d1, Self.d2, reversal, Self.recall], allowed: { $0.last == "C" }) { outcomes, transfer, seen in
            #expect(transfer.state == .settled && outcomes["V"] == .recalled && outcomes["C"] == .breakRaised, "\(seen): \(outcomes) \(transfer)")
        }
    }

    @Test("money back for a transfer returned already waits; a recall's credit for a second debit of a transfer the bank returned is a break")
    func returnAheadAndRecallOfTheReturned() {
        var transfers = ["E1": StatementMatching.Transfer(amountVND: 500_000, state: .returned, debited: true)]
        let ahead = StatementMatching.decide(Self.entry("R2", .credit, .transferReturned, reason: "AC04"), transfers: &transfers)
        #expect(ahead.outcome == .ahead && ahead.breakRaised == nil && transfers["E1"]?.state == .returned)
        var returned = StatementMatching.Transfer(amountVND: 500_000, state: .returned, debited: true, returnsForDuplicates: 1)
        let recall = StatementMatching.expire([Self.recall], transfer: &returned)
        #expect(recall.first?.breakRaised?.kind == .invalidReturn && recall.first?.amends == nil && returned.state == .returned)
    }
}
