import ChitraCore
import ChitraStore
import ChitraTesting
import ChitraWorker
import Foundation
import PostgresNIO
import Testing

/// A district's register moved to its communes through the official lineage: Cà Mau
/// city (district 964) paid for 2025-05 and 2025-06, moved on 2025-07 — commune 32017's people
/// split between 32025 and 32041 ("Nhập một phần") wait for a person — and paid by the communes
/// for 2025-07 and 2025-08: exact to the đồng over each person's whole history.
@Suite("Register moves", .machine(limit: .minutes(4)))
struct RegisterMoveTests {
    static let province = Identity(tokenID: nil, name: "Sở Nội vụ Cà Mau", role: .province, districts: [])
    static let everyone = ["A1", "A2", "A3", "A4", "W1", "W2"]

    /// What the decree owes each person a month, as corrected: A3 1.5 × 500,000, the others 1.0.
    static func monthly(_ id: String) -> Int { id == "A3" ? 750_000 : 500_000 }

    static func count(_ sql: String, _ database: Database) async throws -> Int {
        for try await count in try await database.query(PostgresQuery(unsafeSQL: sql), "count").decode(Int64.self) { return Int(count) }
        return -1
    }

    /// Triggers `period` for `units` (auto-approved) and waits until each run's cash is instructed.
    static func pay(_ period: String, _ units: [String], _ database: Database) async throws -> [String: Int64] {
        let outcomes = try await RunCoordinator(database: database)
            .trigger(period: Period(period)!, districts: units, by: .test("Vận hành", role: .operator), autoApprove: true)
        #expect(outcomes.allSatisfy { if case .started = $0 { true } else { false } }, "\(outcomes)")
        try await eventually("\(period) approved and instructed", saw: { "\(try await RunStatus.list(period: Period(period)!, districts: units, database: database).map(\.state))" }) {
            let runs = try await RunStatus.list(period: Period(period)!, districts: units, database: database)
            let waiting = try await count("""
                SELECT count(*) FROM disbursements d JOIN runs r ON r.id = d.run_id
                WHERE d.period = '\(period)-01' AND disbursement_state_seen(d.state, d.rail, r.state) = 'computed'
                """, database)
            return runs.count == units.count && runs.allSatisfy { $0.state == .approved || $0.state == .completed } && waiting == 0
        }
        return try await amounts(period, database)
    }

    static func amounts(_ period: String, _ database: Database) async throws -> [String: Int64] {
        var amounts: [String: Int64] = [:]
        for try await (id, amount) in try await database.query(
            "SELECT beneficiary_id, amount_vnd FROM disbursements WHERE period = \(period + "-01")::date", "read").decode((String, Int64).self) {
            amounts[id] = amount
        }
        return amounts
    }

    /// The post office answers for `unit`'s cash of `period`; the run completes.
    static func confirmCash(_ unit: String, _ period: String, notFound: @escaping @Sendable (String) -> Bool = { _ in false },
                            _ database: Database) async throws {
        let (file, _, _) = try await PostOffice.confirmations(district: unit, period: Period(period)!, paidOn: "\(period)-20", notFound: notFound,
                                                               database: database)
        defer { try? FileManager.default.removeItem(atPath: file) }
        _ = try await CashConfirmation.confirm(path: file, by: .test("Bưu điện", role: .finance), database: database)
        try await eventually("\(unit) \(period) completed") {
            try await RunStatus.list(period: Period(period)!, districts: [unit], database: database).first?.state == .completed
        }
    }

    @Test("a district paid for 2025-05 and 2025-06, moved on 2025-07, its communes paying 2025-07 and 2025-08: exact to the đồng, nobody paid twice, nobody lost")
    func moveExactToTheDong() async throws {
        try await TestPostgres.withDatabase { database in
            var file = RegisterFileBuilder(district: "964")
            for (id, commune) in [("A1", "32002"), ("A2", "32002"), ("A3", "32002"), ("A4", "32002"), ("W1", "32017"), ("W2", "32017")] {
                var row: [RegisterColumn: String] = [.communeCode: commune, .eligibleFrom: "2025-05", .cccd: "096123456789"]
                if id == "A2" { row[.eligibleFrom] = "2025-03" }                     // arrears in its first month
                if id == "A3" { row[.category] = "cao_tuoi_80_ngheo" }             // 2.0, corrected to 1.0 after the move
                file.add(id, row)
            }
            try await RunFixture.importRegister(file, database)
            try await WorkerHarness.withWorker(database: database, handlers: RunHandlers.all(policy: RunFixture.policy)) { _ in
                // The district pays May and June; A4 is not found by the post office in June.
                #expect(try await Self.pay("2025-05", ["964"], database)
                        == ["A1": 500_000, "A2": 1_500_000, "A3": 1_000_000, "A4": 500_000, "W1": 500_000, "W2": 500_000])
                try await Self.confirmCash("964", "2025-05", database)
                #expect(try await Self.pay("2025-06", ["964"], database)
                        == ["A1": 500_000, "A2": 500_000, "A3": 1_000_000, "A4": 500_000, "W1": 500_000, "W2": 500_000])
                try await Self.confirmCash("964", "2025-06", notFound: { $0 == "A4" }, database)

                // The move: 32002's people by the lineage; 32017's wait for a person. Again: nothing changes.
                let moved = try await RegisterMove.move(from: "964", effective: Period("2025-07")!, by: Self.province, database: database)
                #expect(moved.moved == ["32002": 4] && moved.waiting == 2 && moved.movedNow == 4, "\(moved)")
                let again = try await RegisterMove.move(from: "964", effective: Period("2025-07")!, by: Self.province, database: database)
                #expect(again.moved == moved.moved && again.waiting == 2 && again.movedNow == 0)
                let waiting = try await RegisterMove.waiting(from: "964", database: database)
                #expect(waiting.map(\.beneficiaryID) == ["W1", "W2"] && waiting.allSatisfy { $0.candidates.hasPrefix("32025 ") && $0.candidates.contains(" | 32041 ") },
                        "\(waiting)")
                // Never a guess: a commune the lineage does not offer is refused, and nothing of the file is assigned.
                await #expect(throws: RegisterMove.Failure.assignment(line: 3, problem: "32002 is not one of the units the lineage offers for W1 (32025, 32041).")) {
                    _ = try await RegisterMove.assign([(2, "W2", "32025"), (3, "W1", "32002")], from: "964", by: Self.province, database: database)
                }
                #expect(try await Self.count("SELECT count(*) FROM beneficiary_moves WHERE how = 'assigned'", database) == 0)
                _ = try await RegisterMove.assign([(2, "W2", "32025")], from: "964", by: Self.province, database: database)

                // The commune corrects A3's category from May: 1.5, not 2.0 (two months overpaid by 250,000).
                var correction = RegisterFileBuilder(district: "32002")
                for id in ["A1", "A2", "A3", "A4"] {
                    var row: [RegisterColumn: String] = [.eligibleFrom: id == "A2" ? "2025-03" : "2025-05", .cccd: "096123456789"]
                    if id == "A3" { row[.category] = "cao_tuoi_60_80_ngheo"; row[.changeFrom] = "2025-05" }
                    correction.add(id, row)
                }
                _ = try await RegisterImporter(database: database, policy: RunFixture.policy)
                    .importFile(at: try correction.write(), district: "32002", by: .test("Vận hành 32002"))

                // July by the communes: A3's 500,000 overpaid by the district is recovered from July's
                // 750,000; A4's returned June is owed again; W1 waits and is paid by nobody.
                let july = try await Self.pay("2025-07", ["32002", "32025"], database)
                #expect(july == ["A1": 500_000, "A2": 500_000, "A3": 250_000, "A4": 1_000_000, "W2": 500_000], "\(july)")
                try await Self.confirmCash("32002", "2025-07", database)
                try await Self.confirmCash("32025", "2025-07", database)

                // W1 assigned a month late: 32041 pays July as arrears with August.
                _ = try await RegisterMove.assign([(2, "W1", "32041")], from: "964", by: Self.province, database: database)
                let august = try await Self.pay("2025-08", ["32002", "32025", "32041"], database)
                #expect(august == ["A1": 500_000, "A2": 500_000, "A3": 750_000, "A4": 500_000, "W1": 1_000_000, "W2": 500_000], "\(august)")
            }

            // The whole history, across the district and the communes: every eligible month paid
            // once at the decree's amount (returned cash not counted), nothing recovered twice.
            for id in Self.everyone {
                let months = try await Self.count("""
                    SELECT count(*) FROM (
                        SELECT l.month FROM all_entitlement_lines l
                        JOIN disbursements d ON d.beneficiary_id = l.beneficiary_id AND d.period = l.run_period AND d.state <> 'returned'
                        WHERE l.beneficiary_id = '\(id)' GROUP BY l.month HAVING sum(l.amount_vnd) <> \(Self.monthly(id))) wrong
                    """, database)
                #expect(months == 0, "\(id) has months not paid exactly once")
                let paid = try await Self.count("""
                    SELECT coalesce(sum(amount_vnd), 0)::int8 FROM disbursements WHERE beneficiary_id = '\(id)' AND state <> 'returned'
                    """, database)
                let pending = try await Self.count("""
                    SELECT pending_recovery_vnd FROM disbursements WHERE beneficiary_id = '\(id)' ORDER BY period DESC LIMIT 1
                    """, database)
                let owedMonths = id == "A2" ? 6 : 4
                #expect(paid - pending == owedMonths * Self.monthly(id), "\(id): paid \(paid), pending \(pending)")
                #expect(try await Self.count("SELECT count(*) FROM all_entitlement_lines WHERE beneficiary_id = '\(id)' AND month < '\(id == "A2" ? "2025-03" : "2025-05")-01'", database) == 0)
            }
            // The province compares each commune of August with the district(s) it came from in June.
            let august = try await MonthlyReports.make(period: Period("2025-08")!, province: "96", database: database)
            #expect(august.districts.count == 64, "Cà Mau's 64 communes pay in 2025-08")
            let compared = try await MonthlyReports.compare(august, with: Period("2025-06")!, database: database)
            let city = try #require(compared.first { $0.unit.district == "32002" })
            #expect(city.formerUnits == ["964"] && city.unit.beneficiaries == 4 && city.before.beneficiaries == 6
                    && city.before.paid.total.amountVND == 3_500_000 - 500_000, "\(city)")
            #expect(compared.first { $0.unit.district == "32041" }?.formerUnits.contains("964") == true)
            // The move is audited on both sides.
            #expect(try await Self.count("SELECT count(*) FROM audit_log WHERE action = 'register.move' AND unit_code = '964'", database) == 3)
            #expect(try await Self.count("SELECT count(*) FROM audit_log WHERE action = 'register.move' AND unit_code = '32041'", database) == 1)
        }
    }

    @Test("a move is refused while the district still pays, for a month other than its end, or while one of its runs is unsettled")
    func refusals() async throws {
        try await TestPostgres.withDatabase { database in
            await #expect(throws: RegisterMove.Failure.stillPays(unit: "31825")) {
                _ = try await RegisterMove.move(from: "31825", effective: Period("2025-07")!, by: Self.province, database: database)
            }
            await #expect(throws: RegisterMove.Failure.wrongMonth(unit: "964", effective: Period("2025-07")!, asked: Period("2025-08")!)) {
                _ = try await RegisterMove.move(from: "964", effective: Period("2025-08")!, by: Self.province, database: database)
            }
            var file = RegisterFileBuilder(district: "964")
            file.add("R1", [.communeCode: "32002", .eligibleFrom: "2025-06", .cccd: "096123456789"])
            try await RunFixture.importRegister(file, database)
            _ = try await RunFixture.trigger("2025-06", unit: "964", database)
            await #expect(throws: RegisterMove.Failure.openRun(unit: "964", period: "2025-06", state: "planning")) {
                _ = try await RegisterMove.move(from: "964", effective: Period("2025-07")!, by: Self.province, database: database)
            }
            #expect(try await Self.count("SELECT count(*) FROM register_moves", database) == 0)
            #expect(try await Self.count("SELECT count(*) FROM beneficiaries WHERE unit_code = '964'", database) == 1)
        }
    }
}
