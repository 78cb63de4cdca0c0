import ChitraCore
import ChitraRails
import ChitraStore
import ChitraTesting
import PostgresNIO
import Testing

/// Statements taken in and reconciled against the transfers of district 954 (issue 28): a debit of
/// a paid transfer settles it, a return brings it back owed, and whatever else the statement shows
/// is a break; the same statement again changes nothing, an entry changed between deliveries is a
/// break and never an overwrite, a missing statement is named.
@Suite("Bank statements taken in", .machine(limit: .minutes(2)))
struct StatementImportTests {
    static let account = "1234567890"
    static let bank = "970405"
    static let finance = Identity.test("Kế toán", role: .finance)

    /// Transfers of a run of 954 as the rails left them: E1, E2, E3 paid; E4 awaiting its answer;
    /// E5 failed. 100,000 đồng each.
    static func transfers(_ database: Database) async throws {
        try await DistrictSettings.setPayingAccount(.init(name: "UBND Huyện 954", account: account, bank: bank), district: "954",
                                                    by: .test("admin", role: .admin), database: database)
        let runID = try await RunFixture.trigger("2024-09", database)
        try await TestPostgres.withOwner(of: database) { owner in
            try await owner.client.query("""
                INSERT INTO disbursements (beneficiary_id, period, unit_code, run_id, program, amount_vnd, method, rail, end_to_end_id, state)
                SELECT 'B' || n, '2024-09-01', '954', \(runID), 'btxh', 100000, 'bank', 'bank', 'E' || n, 'submitted'
                FROM generate_series(1, 5) n
                """)
            try await owner.client.query("UPDATE disbursements SET state = 'paid' WHERE end_to_end_id IN ('E1', 'E2', 'E3')")
            try await owner.client.query("UPDATE disbursements SET state = 'failed' WHERE end_to_end_id = 'E5'")
            // Approved the morning of the first statements' day: a statement of that day or before begins what covers its payments.
            try await owner.client.query("UPDATE runs SET approved_at = '2024-09-20 08:00+07'")
        }
    }

    static func debit(_ reference: String, _ id: String?, _ amount: Int64 = 100_000, on day: Day, code: BankStatement.TransactionCode = .transferSent)
        -> BankStatement.Entry {
        .init(servicerReference: reference, amountVND: amount, direction: .debit, bookingDay: day, code: code, endToEndID: id)
    }

    static func statement(_ sequence: Int, day: Day, opening: Int64, _ entries: [BankStatement.Entry]) -> BankStatement {
        BankStatement(messageID: "M\(sequence)", statementID: "S\(sequence)", sequenceNumber: sequence, createdAt: "\(day)T23:59:59",
                      account: account, institution: bank, day: day, openingVND: opening, entries: entries)
    }

    static func take(_ statements: [BankStatement], sha: Character, _ database: Database) async throws -> StatementImport.Outcome {
        try await StatementImport.take(statements, format: "camt.053", sha256: String(repeating: sha, count: 64), fileName: "stmt-\(sha).xml",
                                       by: finance, database: database)
    }

    static func states(_ database: Database) async throws -> [String: String] {
        Dictionary(uniqueKeysWithValues: try await FixtureReadings.disbursements(database).map { ($0.endToEndID, $0.state) })
    }

    @Test("debits settle paid transfers; a second debit, another amount, an unknown id and a debit of a failed transfer are breaks")
    func reconcile() async throws {
        try await TestPostgres.withDatabase { database in
            try await Self.transfers(database)
            let day1 = Day("2024-09-20")!, day2 = Day("2024-09-21")!, day3 = Day("2024-09-24")!
            let first = Self.statement(1, day: day1, opening: 10_000_000, [
                Self.debit("R1", "E1", on: day1), Self.debit("R2", "E2", on: day1), Self.debit("R3", "E2", on: day1),
                Self.debit("R4", "E3", 90_000, on: day1), Self.debit("R5", "E9", on: day1), Self.debit("R6", "E4", on: day1),
                Self.debit("R7", "E5", on: day1), Self.debit("R8", nil, 11_000, on: day1, code: .charge),
            ])
            let taken = try await Self.take([first], sha: "a", database)
            #expect(taken.settled == 2 && taken.waiting == 1 && taken.charges == 1 && taken.entries == 8)
            #expect(taken.breaks == ["duplicate": 1, "amount": 1, "unknown": 1, "unexpected": 1], "\(taken.breaks)")
            #expect(try await Self.states(database) == ["E1": "settled", "E2": "settled", "E3": "paid", "E4": "submitted", "E5": "failed"])

            // The same file again changes nothing and raises nothing anew.
            let again = try await Self.take([first], sha: "a", database)
            #expect(again.entries == 0 && again.breaksOpened == 0 && again.entriesAlreadyIn == 8)
            #expect(again.description == "This statement was already taken in; nothing changed.")

            // Statement 3 before 2: E1's money comes back (AC04), and waits for statement 2, named
            // missing, to know what it gives back (a second debit there, or the payment).
            let third = Self.statement(3, day: day3, opening: first.closingVND, [
                .init(servicerReference: "R9", amountVND: 100_000, direction: .credit, bookingDay: day3, code: .transferReturned,
                      endToEndID: "E1", returnReason: "AC04"),
            ])
            let returned = try await Self.take([third], sha: "c", database)
            #expect(returned.returned == 0 && returned.gaps == ["****7890": [2]], "\(returned)")
            #expect(try await Self.states(database)["E1"] == "settled")

            // E4's answer arrives (paid); statement 2, with nothing of its own, fills the gap, settles
            // the debit that waited, and E1 comes back: owed again.
            try await TestPostgres.withOwner(of: database) { try await $0.client.query("UPDATE disbursements SET state = 'paid' WHERE end_to_end_id = 'E4'") }
            let second = Self.statement(2, day: day2, opening: first.closingVND, [])
            let filled = try await Self.take([second], sha: "b", database)
            #expect(filled.settled == 1 && filled.returned == 1 && filled.gaps.isEmpty && filled.breaksOpened == 0, "\(filled)")
            let states = try await Self.states(database)
            #expect(states["E4"] == "settled" && states["E1"] == "returned")
            #expect(try await RunFixture.count("SELECT count(*) FROM disbursements WHERE end_to_end_id = 'E1' AND failure_reason = 'AC04'", database) == 1)

            // Statement 1 delivered again with R1 changed: a break for the entry and one for the
            // statement's closing balance, which no longer opens statement 2; the entry keeps what came first.
            var changed = first
            changed.entries[0].amountVND = 100_001
            let delivered = try await Self.take([changed], sha: "d", database)
            #expect(delivered.breaks == ["changed": 2, "balance": 1], "\(delivered.breaks)")
            #expect(try await RunFixture.count("SELECT count(*) FROM statement_entries WHERE servicer_reference = 'R1' AND amount_vnd = 100000", database) == 1)
            // An entry naming no statement is refused by the schema.
            let refused = await #expect(throws: PSQLError.self) {
                try await TestPostgres.withOwner(of: database) {
                    try await $0.client.query("""
                        INSERT INTO statement_entries (account, servicer_reference, statement, unit_code, amount_vnd, direction, reversal, status,
                                                       booking_day, code, outcome)
                        VALUES ('1234567890', 'R99', 999999, '954', 1, 'DBIT', false, 'BOOK', '2024-09-20', 'PMNT/ICDT/ESCT', 'other')
                        """)
                }
            }
            #expect(refused?.serverInfo?[.message] == "a statement entry names no statement taken in")
            let audited = try await AuditLog.list(district: "954", database: database).filter { $0.action == .importStatements }
            #expect(audited.count == 5 && audited.allSatisfy { $0.actor == "Kế toán" })
        }
    }

    @Test("an account no unit of the caller's pays from is refused whole; another unit's finance sees none of the statements")
    func tenancy() async throws {
        try await TestPostgres.withDatabase { database in
            try await Self.transfers(database)
            let day = Day("2024-09-20")!
            let statement = Self.statement(1, day: day, opening: 0, [Self.debit("R1", "E1", on: day)])
            let other = database.scoped(Scope(districts: ["955"], credential: TestPostgres.serviceCredential))
            await #expect(throws: StatementImport.Failure.noUnit(account: Self.account, bank: Self.bank, day: day)) {
                try await Self.take([statement], sha: "a", other)
            }
            #expect(try await RunFixture.count("SELECT count(*) FROM statement_entries", database) == 0)
            _ = try await Self.take([statement], sha: "a", database)
            #expect(try await StatementBreaks.list(database: other).isEmpty)
            #expect(try await RunFixture.count("SELECT count(*) FROM statement_entries", other) == 0)
            #expect(try await RunFixture.count("SELECT count(*) FROM statement_entries", database) == 1)
        }
    }

    @Test("a second debit is recalled at once; refused, finance asks again or closes it with a note, audited; a closed break never changes")
    func recallAndClose() async throws {
        try await TestPostgres.withDatabase { database in
            try await Self.transfers(database)
            let day = Day("2024-09-20")!
            _ = try await Self.take([Self.statement(1, day: day, opening: 0, [Self.debit("R1", "E1", on: day), Self.debit("R2", "E1", on: day)])],
                                    sha: "a", database)
            let raised = try await StatementBreaks.list(database: database)
            #expect(raised.count == 1 && raised[0].kind == .duplicate && raised[0].state == .recalling && raised[0].entry == "R2"
                    && raised[0].account == "****7890")
            let id = raised[0].id
            #expect(try await RunFixture.count("SELECT count(*) FROM jobs WHERE kind = 'statements.recall' AND args->>'break' = '\(id)'", database) == 1)
            // Only an open duplicate is recalled (again).
            await #expect(throws: StatementBreaks.Failure.notRecallable(id, kind: .duplicate, state: .recalling)) {
                try await StatementBreaks.recallAgain(id: id, by: Self.finance, database: database)
            }
            // The bank refuses: open again, with its reason; finance asks again.
            try await database.transaction("answer") {
                try await StatementBreaks.recordRecall(id: id, refusedFor: "CUST", by: .system("bank", districts: ["954"]), on: $0)
            }
            let refused = try await StatementBreaks.list(database: database).first
            #expect(refused?.state == .open && refused?.recall == "refused: CUST")
            #expect(try await StatementBreaks.recallAgain(id: id, by: Self.finance, database: database).state == .recalling)
            #expect(try await RunFixture.count("SELECT count(*) FROM jobs WHERE kind = 'statements.recall'", database) == 2)

            await #expect(throws: StatementBreaks.Failure.noNote) {
                try await StatementBreaks.close(id: id, note: "  ", by: Self.finance, database: database)
            }
            let closed = try await StatementBreaks.close(id: id, note: "Ngân hàng đã hoàn tiền trùng", by: Self.finance, database: database)
            #expect(closed.state == .closed && closed.handledBy == "Kế toán")
            await #expect(throws: StatementBreaks.Failure.alreadyClosed(id, by: "Kế toán")) {
                try await StatementBreaks.close(id: id, note: "again", by: Self.finance, database: database)
            }
            #expect(try await StatementBreaks.list(database: database).isEmpty)
            #expect(try await StatementBreaks.list(includeClosed: true, database: database).count == 1)
            for state in ["open", "recalling"] {
                await #expect(throws: PSQLError.self) {
                    try await TestPostgres.withOwner(of: database) { try await $0.client.query("UPDATE statement_breaks SET state = \(state)") }
                }
            }
            let audited = try await AuditLog.list(district: "954", database: database).filter { $0.action == .handleBreaks && $0.subject == "break \(id)" }
            #expect(audited.count == 3, "refused, asked again, closed: \(audited)")
            // The money comes back after finance closed the break: the second debit recovered, no
            // break (a return of a duplicate is no invalid return), and only once.
            let later = Day("2024-09-23")!
            let back = BankStatement.Entry(servicerReference: "R3", amountVND: 100_000, direction: .credit, bookingDay: later, code: .recallCredited,
                                           endToEndID: "E1")
            let given = try await Self.take([Self.statement(2, day: later, opening: -200_000, [back])], sha: "b", database)
            #expect(given.breaksOpened == 0, "\(given)")
            #expect(try await RunFixture.count("SELECT count(*) FROM statement_entries WHERE servicer_reference = 'R3' AND outcome = 'recalled'", database) == 1)
            var twice = back
            twice.servicerReference = "R4"
            let again = try await Self.take([Self.statement(3, day: later, opening: -100_000, [twice])], sha: "c", database)
            #expect(again.breaks == ["invalid_return": 1], "a second give-back of one second debit is a break: \(again)")
        }
    }

    @Test("a transfer paid that no statement debits within the unit's banking days is a break, closed when its debit comes")
    func notDebited() async throws {
        try await TestPostgres.withDatabase { database in
            try await Self.transfers(database)
            try await TestPostgres.withOwner(of: database) { owner in
                try await owner.client.query("""
                    INSERT INTO transfer_batches (message_id, run_id, unit_code, rail, institution, state, transfers, amount_vnd, answered_at, members)
                    SELECT 'B1', run_id, '954', 'bank', '970436', 'answered', 3, 300000, '2024-09-02 10:00+07',
                           (SELECT array_agg(beneficiary_id) FROM disbursements WHERE end_to_end_id IN ('E1', 'E2', 'E3'))
                    FROM disbursements LIMIT 1
                    """)
                try await owner.client.query("UPDATE disbursements SET batch_id = (SELECT id FROM transfer_batches) WHERE end_to_end_id IN ('E1', 'E2', 'E3')")
            }
            await #expect(throws: DistrictSettings.Failure.badDebitGraceDays(district: "954", days: 31)) {
                try await DistrictSettings.setDebitGraceDays(31, district: "954", by: .test("admin", role: .admin), database: database)
            }
            // Statements from the Monday the bank answered. Wednesday: three banking days back is the
            // Friday before, nothing is late yet; Friday: two transfers are.
            let monday = Day("2024-09-02")!, wednesday = Day("2024-09-04")!, friday = Day("2024-09-06")!, nextMonday = Day("2024-09-09")!
            let first = Self.statement(1, day: monday, opening: 1_000_000, [Self.debit("R1", "E2", on: monday)])
            #expect(try await Self.take([first], sha: "a", database).breaksOpened == 0)
            let second = Self.statement(2, day: wednesday, opening: first.closingVND, [])
            #expect(try await Self.take([second], sha: "b", database).breaksOpened == 0)
            let third = Self.statement(3, day: friday, opening: second.closingVND, [])
            let late = try await Self.take([third], sha: "c", database)
            #expect(late.breaks == ["not_debited": 2], "\(late)")
            #expect(try await Self.take([third], sha: "c", database).breaksOpened == 0)
            let fourth = Self.statement(4, day: nextMonday, opening: third.closingVND, [Self.debit("R2", "E1", on: nextMonday)])
            #expect(try await Self.take([fourth], sha: "d", database).settled == 1)
            let breaks = try await StatementBreaks.list(includeClosed: true, database: database)
            #expect(breaks.count == 2 && breaks.allSatisfy { $0.kind == .notDebited })
            #expect(breaks.first { $0.endToEndID == "E1" }.map { $0.state == .closed && $0.handledBy == StatementImport.statementsName } == true)
            #expect(breaks.first { $0.endToEndID == "E3" }?.state == .open)
        }
    }

    @Test("an MT940 statement is read and matched as a camt.053 is; a file that is neither is refused whole")
    func mt940() async throws {
        try await TestPostgres.withDatabase { database in
            try await Self.transfers(database)
            let text = """
                {1:F01VBAAVNVXAXXX0000000000}{4:
                :20:STMT20240920
                :25:970405/1234567890
                :28C:7/1
                :60F:C240920VND1000000,
                :61:2409200920D100000,NTRFNONREF//970405-1
                :86:CHI TRO CAP EREF+E1
                :61:2409200920D100000,NTRFNONREF//970405-2
                :86:/EREF/E2/REMI/Tro cap thang 9
                :62F:C240920VND800000,
                -}
                """
            let (format, statements) = try StatementFile.read(Array(text.utf8))
            #expect(format == "mt940")
            let outcome = try await StatementImport.take(statements, format: format, sha256: RegisterFile.sha256(of: Array(text.utf8)), fileName: "mt940.txt",
                                                         by: Self.finance, database: database)
            #expect(outcome.settled == 2 && outcome.breaksOpened == 0, "\(outcome)")
            let states = try await Self.states(database)
            #expect(states["E1"] == "settled" && states["E2"] == "settled")
            #expect(throws: StatementFile.Failure.notText) { try StatementFile.read(Array("hello".utf8)) }
            #expect(throws: StatementFile.Failure.empty) { try StatementFile.read(Array(" \n".utf8)) }
        }
    }

    @Test("a second debit and the money given back on one statement: the duplicate closes at once, nothing is recalled, the payment stands")
    func duplicateGivenBackOnOneStatement() async throws {
        try await TestPostgres.withDatabase { database in
            try await Self.transfers(database)
            let day = Day("2024-09-20")!
            let back = BankStatement.Entry(servicerReference: "R3", amountVND: 100_000, direction: .credit, reversal: true, bookingDay: day,
                                           code: .transferSent, endToEndID: "E1")
            let outcome = try await Self.take([Self.statement(1, day: day, opening: 0, [Self.debit("R1", "E1", on: day), Self.debit("R2", "E1", on: day), back])],
                                              sha: "a", database)
            #expect(outcome.breaks == ["duplicate": 1] && outcome.recovered == 1 && outcome.settled == 1, "\(outcome)")
            let breaks = try await StatementBreaks.list(includeClosed: true, database: database)
            #expect(breaks.count == 1 && breaks[0].state == .closed && breaks[0].handledBy == StatementImport.statementsName)
            #expect(try await RunFixture.count("SELECT count(*) FROM jobs WHERE kind = 'statements.recall'", database) == 0)
            #expect(try await Self.states(database)["E1"] == "settled")
        }
    }
}
