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

    @Test("debited twice and returned twice: in order or last day first, E1 ends returned and its duplicate closed by the money back, nothing left waiting")
    func twiceDebitedTwiceReturned() async throws {
        let day1 = Day("2024-09-20")!, day2 = Day("2024-09-23")!
        let debits = Fixture.statement(1, day: day1, opening: 1_000_000, [Fixture.debit("D1", "E1", on: day1), Fixture.debit("D2", "E1", on: day1)])
        let returns = Fixture.statement(2, day: day2, opening: 800_000, [Self.returned("R1", "E1", on: day2), Self.returned("R2", "E1", on: day2)])
        for (name, order) in [("in order", [debits, returns]), ("last day first", [returns, debits])] {
            try await TestPostgres.withDatabase { database in
                try await Fixture.transfers(database)
                for (index, statement) in order.enumerated() {
                    let outcome = try await Fixture.take([statement], sha: Character(String(index)), database)
                    #expect(outcome.breaks.keys.allSatisfy { $0 == "duplicate" }, "\(name): \(outcome)")
                }
                #expect(try await Fixture.states(database)["E1"] == "returned", "\(name)")
                let breaks = try await StatementBreaks.list(includeClosed: true, database: database)
                #expect(breaks.count == 1 && breaks[0].kind == .duplicate && breaks[0].state == .closed
                        && breaks[0].handledBy == StatementImport.statementsName, "\(name): \(breaks)")
                #expect(try await Self.outcomes(database) == ["break", "recalled", "returned", "settled"], "\(name)")
                let month = try await MonthReconciliation.of(unit: "954", period: Period("2024-09")!, database: database)
                #expect(month.recovered == CountAmount(count: 1, amountVND: 100_000) && month.duplicates == month.recovered, "\(name): \(month)")
            }
        }
    }

    @Test("money back for a transfer already returned waits for its second debit; once the statements before it are in without one, it is a break")
    func returnOfNothing() async throws {
        try await TestPostgres.withDatabase { database in
            try await Fixture.transfers(database)
            try await TestPostgres.withOwner(of: database) { try await $0.client.query("UPDATE runs SET approved_at = '2024-09-20 09:00+07'") }
            let day1 = Day("2024-09-20")!, day2 = Day("2024-09-23")!
            let later = try await Fixture.take([Fixture.statement(2, day: day2, opening: 900_000, [Self.returned("R1", "E1", on: day2),
                                                                                                   Self.returned("R2", "E1", on: day2)])],
                                               sha: "a", database)
            #expect(later.breaksOpened == 0 && later.returned == 1, "the second waits for a debit on the statement before: \(later)")
            #expect(try await Self.outcomes(database) == ["ahead", "returned"])
            let earlier = try await Fixture.take([Fixture.statement(1, day: day1, opening: 1_000_000, [Fixture.debit("D1", "E1", on: day1)])],
                                                 sha: "b", database)
            #expect(earlier.breaks == ["invalid_return": 1], "no second debit on it, and no statement missing: \(earlier)")
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
