import ChitraCore
import ChitraStore
import ChitraTesting
import Testing

/// Statements taken in out of order end where they end in order (issue 28): a transfer the careless
/// bank credited twice and whose both credits came back is returned, its second debit given back,
/// whichever day's statement comes first; money back that no statement debits is a break once the
/// statements are in without a gap. District 954's transfers as `StatementImportTests` makes them.
@Suite("Bank statements taken in out of order", .machine(limit: .minutes(2)))
struct StatementOrderTests {
    typealias Fixture = StatementImportTests

    static func returned(_ reference: String, _ id: String, on day: Day) -> BankStatement.Entry {
        .init(servicerReference: reference, amountVND: 100_000, direction: .credit, bookingDay: day, code: .transferReturned, endToEndID: id,
              returnReason: "AC04")
    }

    static func outcomes(_ database: Database) async throws -> [String] {
        try await TestPostgres.withOwner(of: database) { owner in
            var outcomes: [String] = []
            for try await outcome in try await owner.client.query("SELECT outcome FROM statement_entries WHERE end_to_end_id = 'E1' ORDER BY outcome")
                .decode(String.self) { outcomes.append(outcome) }
            return outcomes
        }
    }

    /// The end of E1 once `statements` (a day each from 2024-09-20, numbered in that order) are
    /// taken in in `order`: its state, its breaks (kind and state), its entries' outcomes.
    static func end(of statements: [[BankStatement.Entry]], order: [Int], _ database: Database) async throws
        -> (state: String?, breaks: [String], outcomes: [String]) {
        try await Fixture.transfers(database)
        var opening: Int64 = 1_000_000, dated: [BankStatement] = []
        for (n, entries) in statements.enumerated() {
            let day = Day(daysSince2000: Day("2024-09-20")!.daysSince2000 + n)
            let statement = Fixture.statement(n + 1, day: day, opening: opening, entries.map { entry in
                var booked = entry
                booked.bookingDay = day
                return booked
            })
            dated.append(statement)
            opening = statement.closingVND
        }
        for (index, n) in order.enumerated() { _ = try await Fixture.take([dated[n]], sha: Character(String(index)), database) }
        let breaks = try await StatementBreaks.list(includeClosed: true, database: database).map { "\($0.kind.rawValue) \($0.state.rawValue)" }
        return (try await Fixture.states(database)["E1"], breaks.sorted(), try await Self.outcomes(database))
    }

    @Test("the careless bank's double debit, returned once or twice, in any booking: each order of the statements ends as in order, nothing left waiting")
    func anyOrder() async throws {
        let day = Day("2024-09-20")!
        let d1 = Fixture.debit("D1", "E1", on: day), d2 = Fixture.debit("D2", "E1", on: day)
        let r1 = Self.returned("R1", "E1", on: day), r2 = Self.returned("R2", "E1", on: day)
        let cases: [(name: String, statements: [[BankStatement.Entry]], orders: [[Int]], end: (String, [String], [String]))] = [
            ("both credits returned", [[d1, d2], [r1, r2]], [[0, 1], [1, 0]],
             ("returned", ["duplicate closed"], ["break", "recalled", "returned", "settled"])),
            ("one return gives the second debit back", [[d1, d2], [r1]], [[0, 1], [1, 0]],
             ("settled", ["duplicate closed"], ["break", "recalled", "settled"])),
            ("returned between the debits", [[d1], [r1], [d2], [r2]], [[0, 1, 2, 3], [0, 3, 1, 2], [3, 2, 1, 0], [2, 0, 3, 1]],
             ("returned", ["duplicate closed"], ["break", "recalled", "returned", "settled"])),
        ]
        for (name, statements, orders, expected) in cases {
            for order in orders {
                let end = try await TestPostgres.withDatabase { try await Self.end(of: statements, order: order, $0) }
                #expect(end.state == expected.0 && end.breaks == expected.1 && end.outcomes == expected.2, "\(name), taken in \(order): \(end)")
            }
        }
    }

    @Test("money back waits for the statements before it; once they are in, the first returns the payment and a second that gives back nothing is a break")
    func returnOfNothing() async throws {
        try await TestPostgres.withDatabase { database in
            try await Fixture.transfers(database)
            let day1 = Day("2024-09-20")!, day2 = Day("2024-09-23")!
            let later = try await Fixture.take([Fixture.statement(2, day: day2, opening: 900_000, [Self.returned("R1", "E1", on: day2),
                                                                                                   Self.returned("R2", "E1", on: day2)])],
                                               sha: "a", database)
            #expect(later.breaksOpened == 0 && later.returned == 0, "both wait for the statement before: \(later)")
            #expect(try await Self.outcomes(database) == ["ahead", "ahead"])
            let earlier = try await Fixture.take([Fixture.statement(1, day: day1, opening: 1_000_000, [Fixture.debit("D1", "E1", on: day1)])],
                                                 sha: "b", database)
            #expect(earlier.breaks == ["invalid_return": 1] && earlier.returned == 1, "one debit on it, and no statement missing: \(earlier)")
            let raised = try await StatementBreaks.list(database: database)
            #expect(raised.count == 1 && raised[0].kind == .invalidReturn && raised[0].entry == "R2", "\(raised)")
            #expect(try await Self.outcomes(database) == ["break", "returned", "settled"])
            #expect(try await Fixture.states(database)["E1"] == "returned")
        }
    }

    @Test("a return taken for the second debit given back, then the recall's credit for that debit: the return was the payment's, E1 returned for its reason")
    func recallAfterTheReturn() async throws {
        try await TestPostgres.withDatabase { database in
            try await Fixture.transfers(database)
            let day1 = Day("2024-09-20")!, day2 = Day("2024-09-23")!, day3 = Day("2024-09-24")!
            _ = try await Fixture.take([Fixture.statement(1, day: day1, opening: 1_000_000, [Fixture.debit("D1", "E1", on: day1),
                                                                                          Fixture.debit("D2", "E1", on: day1)])], sha: "a", database)
            let back = try await Fixture.take([Fixture.statement(2, day: day2, opening: 800_000, [Self.returned("R1", "E1", on: day2)])], sha: "b", database)
            #expect(back.recovered == 1 && back.returned == 0, "taken first for the second debit: \(back)")
            #expect(try await Fixture.states(database)["E1"] == "settled")
            let recall = BankStatement.Entry(servicerReference: "C1", amountVND: 100_000, direction: .credit, bookingDay: day3, code: .recallCredited,
                                             endToEndID: "E1", returnReason: "DUPL")
            let recalled = try await Fixture.take([Fixture.statement(3, day: day3, opening: 900_000, [recall])], sha: "c", database)
            #expect(recalled.breaksOpened == 0 && recalled.returned == 1, "\(recalled)")
            #expect(try await Fixture.states(database)["E1"] == "returned")
            #expect(try await Self.outcomes(database) == ["break", "recalled", "returned", "settled"])
            let month = try await MonthReconciliation.of(unit: "954", period: Period("2024-09")!, database: database)
            #expect(month.returnsByReason["AC04"] == CountAmount(count: 1, amountVND: 100_000) && month.recovered.count == 1, "\(month)")
            let reason = try await TestPostgres.withOwner(of: database) { owner in
                var found: String?
                for try await row in try await owner.client.query("SELECT failure_reason FROM disbursements WHERE end_to_end_id = 'E1'")
                    .decode(String?.self) { found = row }
                return found
            }
            #expect(reason == "AC04")
        }
    }
}
