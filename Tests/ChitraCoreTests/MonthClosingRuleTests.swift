import ChitraCore
import Testing

/// The rule that closes a paid-out month (`MonthClosing`), without a database.
@Suite("Month closing rule")
struct MonthClosingRuleTests {
    static let day = Day("2024-09-25")!

    static func facts(bank: Bool = true, notDebited: Int = 0, breaks: Int = 0, missing: Int = 0, last: Day? = day) -> MonthClosing.Facts {
        .init(acceptedOnRails: bank, notDebited: notDebited, openBreaks: breaks, missingStatements: missing, paidOutOn: day, lastStatementDay: last)
    }

    @Test("a month with transfers by bank closes only with every one debited, no break, no gap, and a statement of its day or later")
    func obstacles() {
        #expect(MonthClosing.obstacles(Self.facts()) == [])
        #expect(MonthClosing.obstacles(Self.facts(last: Day("2024-09-30")!)) == [])
        #expect(MonthClosing.obstacles(Self.facts(notDebited: 2, breaks: 1, missing: 3, last: Day("2024-09-24")!))
                == [.notDebited(2), .openBreaks(1), .missingStatements(3), .statementsBefore(Self.day)])
        #expect(MonthClosing.obstacles(Self.facts(last: nil)) == [.statementsBefore(Self.day)])
        var ahead = Self.facts()
        ahead.returnsAhead = 1
        #expect(MonthClosing.obstacles(ahead) == [.returnsAhead(1)], "money back waiting for the second debit it gives back")
    }

    @Test("a month with nothing by bank has nothing on a statement and closes at once")
    func nothingByBank() {
        #expect(MonthClosing.obstacles(Self.facts(bank: false, last: nil)) == [])
    }

    @Test("why a month stays open, in one sentence")
    func sentence() {
        let period = Period("2024-09")!
        #expect(MonthClosing.sentence(unit: "954", period: period, [.notDebited(1), .openBreaks(2)])
                == "The month 2024-09 of unit 954 is paid out and stays open: 1 transfer accepted by the bank or wallet provider but not yet debited on a statement; 2 breaks not closed.")
        #expect(MonthClosing.sentence(unit: "954", period: period, []) == "The month 2024-09 of unit 954 is closed against the bank's statements.")
    }
}
