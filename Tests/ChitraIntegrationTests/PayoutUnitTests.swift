import ChitraCore
import ChitraStore
import ChitraTesting
import ChitraWorker
import Foundation
import PostgresNIO
import Testing

/// Payout units as data: the catalogue's districts pay the months before the 2025
/// reform, its communes the months from it; any commune of any province is a tenant.
@Suite("Payout units", .machine(limit: .minutes(3)))
struct PayoutUnitTests {
    static let owner = Identity.system("test owner", districts: [])

    static func count(_ sql: String, _ database: Database) async throws -> Int {
        for try await count in try await database.query(PostgresQuery(unsafeSQL: sql), "count").decode(Int64.self) { return Int(count) }
        return -1
    }

    static func person(_ name: String, _ role: Role, units: [String] = [], province: String? = nil,
                       _ database: Database) async throws -> Identity {
        try await Tokens.identity(TokenRequest(name: name, role: role, districts: units, province: province, expiresInDays: 1),
                                  by: owner, database: database).identity
    }

    @Test("every district of the catalogue pays until 2025-07 and every commune since; none overlaps another of its code")
    func catalogueUnits() async throws {
        try await TestPostgres.withDatabase { database in
            let districts = try await Self.count("SELECT count(*) FROM payout_units WHERE level = 'district' AND valid_to = '2025-07-01'", database)
            let communes = try await Self.count(
                "SELECT count(*) FROM payout_units WHERE level = 'commune' AND valid_from = '2025-07-01' AND valid_to IS NULL", database)
            #expect(districts == 696 && communes == 3_321)
            #expect(try await Self.count("SELECT count(*) FROM payout_units", database) == 696 + 3_321)
            // Each payout unit is the catalogue's unit of its code valid over the same months.
            #expect(try await Self.count("""
                SELECT count(*) FROM payout_units d WHERE NOT EXISTS (
                    SELECT FROM units u WHERE u.level = d.level AND u.code = d.code
                      AND u.valid_from IS NOT DISTINCT FROM d.valid_from AND u.valid_to IS NOT DISTINCT FROM d.valid_to)
                """, database) == 0)
        }
    }

    @Test("a run of an abolished district, or of a commune before the reform, is refused naming who pays; the schema refuses it too")
    func runsOutsideTheUnitsMonths() async throws {
        try await TestPostgres.withDatabase { database in
            let coordinator = RunCoordinator(database: database)
            let successors = try await UnitCatalogueStore.successors(of: "954", database: database)
            let communes = Set(successors.map(\.edge.newCommuneCode)).count
            #expect(communes > 1)
            await #expect(throws: PayoutUnits.Refusal.self) {
                _ = try await coordinator.trigger(period: Period("2025-07")!, districts: ["954"], by: .test("An"), autoApprove: false)
            }
            do {
                _ = try await coordinator.trigger(period: Period("2026-07")!, districts: ["954"], by: .test("An"), autoApprove: false)
                Issue.record("a run of district 954 for 2026-07 was triggered")
            } catch let refusal as PayoutUnits.Refusal {
                #expect(refusal.description == "District 954 (TP Bạc Liêu) was abolished on 2025-07-01; its beneficiaries are paid by "
                        + "\(communes) communes of Tỉnh Cà Mau from 2025-07: `chitra units list --successors 954`.")
            }
            do {
                _ = try await coordinator.trigger(period: Period("2025-06")!, districts: ["31825"], by: .test("An"), autoApprove: false)
                Issue.record("a run of commune 31825 for 2025-06 was triggered")
            } catch let refusal as PayoutUnits.Refusal {
                let predecessors = try await Self.predecessorDistricts("31825", database)
                #expect(!predecessors.isEmpty)
                #expect(refusal.description.hasPrefix("Commune 31825 ("))
                #expect(refusal.description.hasSuffix("pays from 2025-07; 2025-06 is paid by the unit\(predecessors.count == 1 ? "" : "s") it came from: "
                                                      + predecessors.joined(separator: ", ") + "."))
            }
            // Nothing was written, and the schema refuses what the coordinator would have refused.
            #expect(try await Self.count("SELECT count(*) FROM runs", database) == 0)
            for (unit, period) in [("954", "2025-07-01"), ("31825", "2025-06-01")] {
                do {
                    try await database.client.query("INSERT INTO runs (unit_code, period, triggered_by) VALUES (\(unit), \(period)::date, 'x')")
                    Issue.record("the schema took a run of \(unit) for \(period)")
                } catch let error as PSQLError {
                    #expect(error.serverInfo?[.constraintName] == "runs_unit_pays_in_period")
                }
            }
            // Within their months both pay.
            let allowed = try await coordinator.trigger(period: Period("2025-06")!, districts: ["954"], by: .test("An"), autoApprove: false)
                + coordinator.trigger(period: Period("2025-07")!, districts: ["31825"], by: .test("An"), autoApprove: false)
            #expect(allowed.allSatisfy { if case .started = $0 { true } else { false } })
        }
    }

    /// What `database`'s scope sees disbursed for `period`, by beneficiary.
    static func amounts(_ period: String, _ database: Database) async throws -> [String: Int64] {
        var amounts: [String: Int64] = [:]
        let rows = try await database.query("SELECT beneficiary_id, amount_vnd FROM disbursements WHERE period = \(period + "-01")::date",
                                            "read the disbursements")
        for try await (id, amount) in rows.decode((String, Int64).self) { amounts[id] = amount }
        return amounts
    }

    /// The districts whose old communes became `commune`, from the lineage file as shipped.
    static func predecessorDistricts(_ commune: String, _ database: Database) async throws -> [String] {
        let text = try String(contentsOfFile: try UnitCatalogueFiles.bundled().folder + "/lineage-2025-07-01.csv", encoding: .utf8)
        var districts = Set<String>()
        for line in text.split(whereSeparator: \.isNewline).dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            if fields[4] == commune { districts.insert(String(fields[1])) }
        }
        return districts.sorted()
    }

    @Test("a Hà Nội ward and a Cà Mau commune paid for 2026-07 by their own operators and finance, each seeing only itself")
    func twoCommunesEndToEnd() async throws {
        try await TestPostgres.withDatabase { database in
            let wards = [("00004", "HN"), ("31825", "CM")]
            var operators: [String: Identity] = [:]
            for (unit, prefix) in wards {
                let operatorID = try await Self.person("Vận hành \(unit)", .operator, units: [unit], database)
                operators[unit] = operatorID
                let scoped = database.scoped(operatorID.scope)
                var file = RegisterFileBuilder(district: unit)
                file.add("\(prefix)1", [.eligibleFrom: "2026-07"])
                file.add("\(prefix)2", [.eligibleFrom: "2026-06", .cccd: unit == "00004" ? "001123456789" : "096123456789"])
                _ = try await RegisterImporter(database: scoped, policy: RunFixture.policy)
                    .importFile(at: try file.write(), district: unit, by: operatorID)
                let outcomes = try await RunCoordinator(database: scoped)
                    .trigger(period: Period("2026-07")!, districts: [unit], by: operatorID, autoApprove: false)
                guard case .started = outcomes.first else { Issue.record("\(unit): \(outcomes)"); return }
            }
            try await WorkerHarness.withWorker(database: database, handlers: RunHandlers.all(policy: RunFixture.policy)) { _ in
                try await eventually("both runs computed") {
                    try await RunStatus.list(period: Period("2026-07")!, districts: ["00004", "31825"], database: database)
                        .filter { $0.state == .computed }.count == 2
                }
            }
            for (unit, prefix) in wards {
                let finance = try await Self.person("Tài chính \(unit)", .finance, units: [unit], database)
                let scoped = database.scoped(finance.scope)
                _ = try await RunApproval.approve(district: unit, period: Period("2026-07")!, by: finance, database: scoped)
                // Each sees its own run and people, and nothing of the other.
                let seen = try await RunStatus.list(period: Period("2026-07")!, districts: nil, database: scoped)
                #expect(seen.map(\.district) == [unit] && seen.first?.state == .approved)
                let amounts = try await Self.amounts("2026-07", database.scoped(operators[unit]!.scope))
                #expect(amounts == ["\(prefix)1": 500_000, "\(prefix)2": 1_000_000])
            }
            // The province of Cà Mau reaches its communes (and Bạc Liêu's former districts), not Hà Nội.
            let province = try await Self.person("Sở Nội vụ Cà Mau", .province, province: "96", database)
            #expect(province.districts.contains("31825") && province.districts.contains("954") && !province.districts.contains("00004"))
            let communes = try await Self.count("""
                SELECT count(*) FROM payout_units WHERE province_code = '96' AND level = 'commune'
                """, database.scoped(province.scope))
            #expect(communes == 64)
            let runs = try await RunStatus.list(period: Period("2026-07")!, districts: nil, database: database.scoped(province.scope))
            #expect(runs.map(\.district) == ["31825"])
            let hanoi = try await Self.person("Sở Nội vụ Hà Nội", .province, province: "01", database)
            #expect(try await RunStatus.list(period: Period("2026-07")!, districts: nil, database: database.scoped(hanoi.scope))
                .map(\.district) == ["00004"])
            // Asked beside Hà Nội's ward, Cà Mau's province keeps its commune and Bạc Liêu's former
            // district (merged into it), whatever it asks; its whole reach is still what it was.
            let asked = Scope(districts: ["00004", "31825", "954", "01"], credential: province.scope.credential)
            var scope: [String] = []
            for try await units in try await database.scoped(asked).query("SELECT chitra_scope()", "scope").decode([String].self) { scope = units }
            #expect(scope == ["31825", "954"])
            let reach = try await Self.count("SELECT cardinality(units) FROM chitra_verified()", database.scoped(asked))
            #expect(reach == province.districts.count)
        }
    }

    @Test("a commune's register names the commune, not a district: a row of another unit is refused line by line")
    func communeRegister() async throws {
        try await TestPostgres.withDatabase { database in
            var file = RegisterFileBuilder(district: "31825")
            file.add("C1")
            file.add("C2", [.communeCode: "31822"])
            file.add("C3", [.districtCode: "954"])
            do {
                _ = try await RegisterImporter(database: database, policy: RunFixture.policy)
                    .importFile(at: try file.write(), district: "31825", by: .test("An"))
                Issue.record("the file was imported")
            } catch let failure as ImportFailure {
                #expect(failure.problems.map(\.description) == [
                    "Line 3, column commune_code: this row belongs to commune 31822, but the file is imported for commune 31825.",
                    "Line 4, column district_code: districts no longer pay since 2025-07: leave district_code empty in the file of commune 31825.",
                ])
            }
            #expect(try await Self.count("SELECT count(*) FROM beneficiaries", database) == 0)
            file.rows.removeLast(2)
            _ = try await RegisterImporter(database: database, policy: RunFixture.policy)
                .importFile(at: try file.write(), district: "31825", by: .test("An"))
            #expect(try await Self.count("SELECT count(*) FROM beneficiaries WHERE unit_code = '31825' AND commune_code = '31825'",
                                         database) == 1)
        }
    }
}
