import ChitraCore
import ChitraStore
import ChitraTesting
import Foundation
import PostgresNIO
import Testing

@Suite("Register import", .machine(limit: .minutes(10)))
struct RegisterImportTests {
    static let policy = try! PolicyTable.bundled()

    static func importer(_ database: Database) -> RegisterImporter {
        RegisterImporter(database: database, policy: policy)
    }

    static func count(_ sql: String, _ database: Database) async throws -> Int {
        for try await value in try await database.client.query(PostgresQuery(unsafeSQL: sql)).decode(Int64.self) { return Int(value) }
        return 0
    }

    /// Nothing of a refused import is in the database.
    static func expectNothingWritten(_ database: Database) async throws {
        #expect(try await count("SELECT count(*) FROM beneficiaries", database) == 0)
        #expect(try await count("SELECT count(*) FROM beneficiary_versions", database) == 0)
        #expect(try await count("SELECT count(*) FROM register_imports", database) == 0)
    }

    /// Imports `path` expecting refusal; returns the failure.
    static func refused(_ path: String, district: String = "954", _ database: Database) async throws -> ImportFailure {
        do {
            _ = try await importer(database).importFile(at: path, district: district, by: .test("operator"))
        } catch let failure as ImportFailure {
            return failure
        }
        Issue.record("the import was accepted")
        return ImportFailure(problems: [], total: 0)
    }

    @Test("a register imports whole; importing the same file again is a no-op that says so")
    func importAndReimport() async throws {
        try await TestPostgres.withDatabase { database in
            let path = try await RegisterFileBuilder.synthetic(district: "954", count: 2_000)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let first = try await Self.importer(database).importFile(at: path, district: "954", by: .test("operator"))
            #expect(first.rows == 2_000 && first.new == 2_000 && !first.alreadyImported)
            let again = try await Self.importer(database).importFile(at: path, district: "954", by: .test("operator"))
            #expect(again.alreadyImported && again.importID == first.importID)
            #expect(again.description == "This file was already imported (import \(first.importID)); nothing changed.")
            #expect(try await Self.count("SELECT count(*) FROM beneficiaries", database) == 2_000)
            #expect(try await Self.count("SELECT count(*) FROM beneficiary_versions", database) == 0,
                    "nobody changed: every version 1 is the beneficiaries row itself")
        }
    }

    @Test("wallet providers written by name are registered by code, and the summary says how each was read")
    func walletProvidersByName() async throws {
        try await TestPostgres.withDatabase { database in
            var file = RegisterFileBuilder(district: "954")
            for (index, written) in ["MOMO", "MOMO", "Ví MoMo", "momo", "Viettel Money"].enumerated() {
                file.add("P\(index)", [.paymentMethod: "wallet", .walletProvider: written, .walletID: "09120000\(index)0"])
            }
            let summary = try await Self.importer(database).importFile(at: try file.write(), district: "954", by: .test("operator"))
            #expect(summary.description.hasSuffix(
                "Wallet providers read by name: 'MOMO' as momo (2 rows), 'Viettel Money' as viettelmoney (1 row), 'Ví MoMo' as momo (1 row)."),
                "\(summary)")
            var providers: [String: Int] = [:]
            for try await (provider, count) in try await database.client.query(
                "SELECT wallet_provider, count(*) FROM beneficiaries GROUP BY 1").decode((String, Int64).self) {
                providers[provider] = Int(count)
            }
            #expect(providers == ["momo": 4, "viettelmoney": 1])
        }
    }

    @Test("a later file adds, changes (with a version from change_from), keeps and ends beneficiaries")
    func changes() async throws {
        try await TestPostgres.withDatabase { database in
            var base = RegisterFileBuilder(district: "954")
            for index in 1...10 { base.add("B\(index)") }
            _ = try await Self.importer(database).importFile(at: try base.write(), district: "954", by: .test("operator"))

            var next = RegisterFileBuilder(district: "954")
            next.add("B1", [.category: "cao_tuoi_80_ngheo", .changeFrom: "2024-09"])   // changed, new version
            next.add("B2", [.paymentMethod: "wallet", .walletProvider: "momo", .walletID: "0912345678"])  // changed, new version
            next.add("B3", [.deceasedOn: "2024-10-02"])                                 // left
            next.add("B4", [.eligibleUntil: "2024-12"])                                 // left
            next.add("B5", [.phone: "0987654321"])                                      // changed facts only
            for index in 6...8 { next.add("B\(index)") }                                // unchanged
            next.add("B11")                                                             // new
            let summary = try await Self.importer(database).importFile(at: try next.write(), district: "954", by: .test("operator"))
            #expect((summary.new, summary.changed, summary.unchanged, summary.left) == (1, 5, 3, 2))
            #expect(summary.description.hasSuffix("1 new, 5 changed, 3 unchanged, 2 left (ended or deceased)."))

            let versions = try await database.client.query(
                "SELECT beneficiary_id, version, to_char(valid_from, 'YYYY-MM'), category FROM beneficiary_versions ORDER BY 1, 2")
            var rows: [String] = []
            for try await (id, version, from, category) in versions.decode((String, Int32, String, String).self) {
                rows.append("\(id) v\(version) \(from) \(category)")
            }
            // The first change writes the implicit version 1 out, then version 2.
            #expect(rows.contains("B1 v1 2024-07 cao_tuoi_80"))
            #expect(rows.contains("B1 v2 2024-09 cao_tuoi_80_ngheo"))
            // No change_from and nothing computed yet: the change applies from the first month.
            #expect(rows.contains("B2 v1 2024-07 cao_tuoi_80") && rows.contains("B2 v2 2024-07 cao_tuoi_80"))
            #expect(rows.count == 4, "facts-only changes (B3, B4, B5) and new beneficiaries (B11) need no version row: \(rows)")
            #expect(try await Self.count("SELECT count(*) FROM beneficiaries WHERE current_version = 2", database) == 2)
            #expect(try await Self.count("SELECT count(*) FROM beneficiaries WHERE beneficiary_id = 'B9'", database) == 1,
                    "a beneficiary absent from a file is left as it is")
        }
    }

    @Test("quoted fields, a BOM and CRLF line ends import as written")
    func rfc4180() async throws {
        try await TestPostgres.withDatabase { database in
            var file = RegisterFileBuilder(district: "956")
            file.add("Q1", [.fullName: "Lê Thị \"Út\", con bà Năm\nấp 3"])
            file.add("Q2")
            _ = try await Self.importer(database).importFile(at: try file.write(lineEnding: "\r\n", bom: true), district: "956", by: .test("operator"))
            let rows = try await database.client.query("SELECT full_name FROM beneficiaries WHERE beneficiary_id = 'Q1'")
            for try await name in rows.decode(String.self) { #expect(name == "Lê Thị \"Út\", con bà Năm\nấp 3") }
        }
    }

    @Test("rows of another district are refused, naming each line; nothing is written")
    func otherDistrictRows() async throws {
        try await TestPostgres.withDatabase { database in
            var file = RegisterFileBuilder(district: "954")
            file.add("A1")
            file.add("A2", [.districtCode: "957"])
            let failure = try await Self.refused(try file.write(), database)
            #expect(failure.problems.map(\.description) == [
                "Line 3, column district_code: this row belongs to district 957, but the file is imported for district 954.",
            ])
            #expect(failure.description.hasSuffix("Nothing was imported: 1 problem found."))
            try await Self.expectNothingWritten(database)
        }
    }

    @Test("a beneficiary twice in one file is refused with both lines")
    func duplicates() async throws {
        try await TestPostgres.withDatabase { database in
            var file = RegisterFileBuilder(district: "954")
            file.add("D1")
            file.add("D2")
            file.add("D1", [.fullName: "someone else"])
            let failure = try await Self.refused(try file.write(), database)
            #expect(failure.problems.map(\.description) == [
                "Line 4, column beneficiary_id: beneficiary D1 appears again (first on line 2); each beneficiary goes on one row.",
            ])
            try await Self.expectNothingWritten(database)
        }
    }

    @Test("an id already registered in another district is refused without naming it; the database answers only for the caller's own district")
    func idOfAnotherDistrict() async throws {
        try await TestPostgres.withDatabase { database in
            var first = RegisterFileBuilder(district: "954")
            first.add("X1")
            _ = try await Self.importer(database).importFile(at: try first.write(), district: "954", by: .test("operator"))
            var second = RegisterFileBuilder(district: "956")
            second.add("X1")
            let failure = try await Self.refused(try second.write(), district: "956", database)
            #expect(failure.problems.first?.description
                == "Line 2, column beneficiary_id: this beneficiary is already registered by another district; the province can say which and move them.")
            #expect(try await Self.count("SELECT count(*) FROM register_imports", database) == 1)
            // The database answers which ids, never where; and only for a district of the caller's scope.
            let own = database.scoped(.district("956"))
            #expect(try await Self.count("SELECT count(*) FROM chitra_ids_held_elsewhere('956', ARRAY['X1', 'X2'])", own) == 1)
            let columns = try await own.query("SELECT * FROM chitra_ids_held_elsewhere('956', ARRAY['X1'])", "ask")
            for try await row in columns { #expect(row.count == 1) }
            await #expect(throws: StoreError.self) {
                try await own.query("SELECT * FROM chitra_ids_held_elsewhere('954', ARRAY['X1'])", "ask for another district")
            }
            await #expect(throws: StoreError.self) {
                try await own.query("SELECT * FROM chitra_ids_registered_outside('956', ARRAY['X1'])", "search every district")
            }
        }
    }

    @Test("header problems: unknown and missing columns", arguments: [
        ("beneficiary_id,full_name,cccd,district_code,commune_code,program,category,eligible_from,payment_method,recipient,favourite_colour\n",
         "Line 1, column favourite_colour: this column is not part of the register format."),
        ("beneficiary_id,full_name,cccd,district_code,commune_code,program,category,payment_method,recipient\n",
         "Line 1, column eligible_from: this required column is missing from the header."),
    ])
    func header(text: String, message: String) async throws {
        try await TestPostgres.withDatabase { database in
            let failure = try await Self.refused(try RegisterFileBuilder.temporaryFile(Data((text + "x\n").utf8)), database)
            #expect(failure.problems.first?.description == message)
            try await Self.expectNothingWritten(database)
        }
    }

    @Test("invalid UTF-8, an empty file, a header without rows, broken quoting: each one sentence", arguments: [
        ("utf8", "Line 3, column full_name: the text is not valid UTF-8; save the file as UTF-8."),
        ("empty", "Line 1: the file is empty."),
        ("header", "Line 2: the file has a header but no rows."),
        ("quote", "Line 3: a quoted field opened here is never closed."),
        ("fields", "Line 3: the row has 3 fields but the header has 22."),
    ])
    func malformedFiles(kind: String, message: String) async throws {
        try await TestPostgres.withDatabase { database in
            var file = RegisterFileBuilder(district: "954")
            file.add("M1")
            let good = Data(file.text().utf8)
            let data: Data = switch kind {
            case "utf8": good + Data("M2,Nguy".utf8) + Data([0xFF, 0xFE]) + Data(",,,954,95401,btxh,cao_tuoi_80,2024-07,,,,,cash,,,,,,self,,\n".utf8)
            case "empty": Data()
            case "header": Data((SyntheticRegister.header + "\n").utf8)
            case "quote": good + Data("M2,\"never closed,,\n".utf8)
            default: good + Data("M2,a,b\n".utf8)
            }
            let failure = try await Self.refused(try RegisterFileBuilder.temporaryFile(data), database)
            #expect(failure.problems.first?.description == message)
            try await Self.expectNothingWritten(database)
        }
    }

    @Test("a large file of garbage is refused quickly and nothing is written")
    func garbage() async throws {
        try await TestPostgres.withDatabase { database in
            var generator = SystemRandomNumberGenerator()
            let garbage = Data((0..<4_000_000).map { _ in UInt8.random(in: 0...255, using: &generator) })
            let failure = try await Self.refused(try RegisterFileBuilder.temporaryFile(garbage), database)
            #expect(failure.total >= 1)
            try await Self.expectNothingWritten(database)
        }
    }

    @Test("the first 100 problems are shown, with the count of all")
    func manyProblems() async throws {
        try await TestPostgres.withDatabase { database in
            var file = RegisterFileBuilder(district: "954")
            for index in 1...250 { file.add("P\(index)", [.cccd: "12345"]) }
            let failure = try await Self.refused(try file.write(), database)
            #expect(failure.problems.count == 100 && failure.total == 250)
            #expect(failure.description.contains("… and 150 more problems."))
            try await Self.expectNothingWritten(database)
        }
    }

    @Test("an unknown district is refused")
    func unknownDistrict() async throws {
        try await TestPostgres.withDatabase { database in
            var file = RegisterFileBuilder(district: "999")
            file.add("U1")
            await #expect(throws: DistrictSettings.Failure.unknownDistrict("999")) {
                try await Self.importer(database).importFile(at: try file.write(), district: "999", by: .test("operator"))
            }
            try await Self.expectNothingWritten(database)
        }
    }

    @Test("a 1,000,000-row register imports on the real PostgreSQL")
    func millionRows() async throws {
        try await TestPostgres.withDatabase { database in
            let path = try await RegisterFileBuilder.synthetic(district: "958", count: 1_000_000)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let summary = try await Self.importer(database).importFile(at: path, district: "958", by: .test("operator"))
            #expect(summary.rows == 1_000_000 && summary.new == 1_000_000)
            #expect(try await Self.count("SELECT count(*) FROM beneficiaries WHERE unit_code = '958'", database) == 1_000_000)
            #expect(try await Self.count("SELECT count(*) FROM beneficiaries WHERE current_version = 1", database) == 1_000_000)
        }
    }
}
