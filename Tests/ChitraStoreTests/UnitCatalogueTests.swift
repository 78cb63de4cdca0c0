import ChitraCore
import ChitraStore
import ChitraTesting
import Foundation
import PostgresNIO
import Testing

/// The unit catalogue as migration 18 loads it from the official lists, and as `chitra units load`
/// loads a later list: counts, idempotence, the diff shown before a change, codes reused over time.
@Suite("Unit catalogue", .machine(limit: .minutes(3)))
struct UnitCatalogueTests {
    static let admin = Identity.test("Quản trị", role: .admin)

    static func lineCount(_ file: String, in folder: String) throws -> Int {
        let text = try String(contentsOfFile: folder + "/" + file, encoding: .utf8)
        return text.split(whereSeparator: \.isNewline).count - 1
    }

    /// How many different codes a list names (its first column).
    static func codeCount(_ file: String, in folder: String) throws -> Int {
        let text = try String(contentsOfFile: folder + "/" + file, encoding: .utf8)
        return Set(text.split(whereSeparator: \.isNewline).dropFirst().map { $0.prefix { $0 != "," } }).count
    }

    static func count(_ sql: String, _ database: Database) async throws -> Int {
        for try await count in try await database.query(PostgresQuery(unsafeSQL: sql), "count").decode(Int64.self) { return Int(count) }
        return -1
    }

    /// A copy of the shipped lists in a new folder, to change.
    static func copyOfBundledLists() throws -> String {
        let bundled = try UnitCatalogueFiles.bundled().folder
        let folder = NSTemporaryDirectory() + "chitra-units-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: bundled) {
            try FileManager.default.copyItem(atPath: bundled + "/" + name, toPath: folder + "/" + name)
        }
        return folder
    }

    static func edit(_ file: String, in folder: String, _ change: (String) -> String) throws {
        let path = folder + "/" + file
        try change(try String(contentsOfFile: path, encoding: .utf8)).write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test("the migration loads every unit and edge of the official lists, recorded with each file's SHA-256")
    func countsEqualTheFiles() async throws {
        let files = try UnitCatalogueFiles.bundled()
        let folder = files.folder
        try await TestPostgres.withDatabase { database in
            let expected: [(String, String)] = [
                ("provinces-before-2025.csv", "level = 'province' AND valid_to = '2025-07-01'"),
                ("districts-before-2025.csv", "level = 'district' AND valid_to = '2025-07-01'"),
                ("communes-before-2025.csv", "level = 'commune' AND valid_to = '2025-07-01'"),
                ("provinces-2025.csv", "level = 'province' AND valid_from = '2025-07-01' AND valid_to IS NULL"),
                ("communes-2025.csv", "level = 'commune' AND valid_from = '2025-07-01' AND valid_to IS NULL"),
            ]
            for (file, condition) in expected {
                let held = try await Self.count("SELECT count(*) FROM units WHERE \(condition)", database)
                #expect(held == (try Self.codeCount(file, in: folder)), "\(file)")
            }
            // Every row is a unit but two: the 2024 districts list names 794 and 900 twice each.
            #expect(try Self.lineCount("districts-before-2025.csv", in: folder) == (try Self.codeCount("districts-before-2025.csv", in: folder)) + 2)
            #expect(files.catalogue.warnings == [
                "districts-before-2025.csv lists district 794 Thành phố Tân An under provinces 80 and 82: kept 80, the province of 12 of its 13 communes",
                "districts-before-2025.csv lists district 900 Thành phố Hà Tiên under provinces 91 and 89: kept 91, the province of 6 of its 7 communes",
            ])
            #expect(try await Self.count("SELECT count(*) FROM unit_lineage", database) == (try Self.lineCount("lineage-2025-07-01.csv", in: folder)))
            #expect(try await Self.count("SELECT count(*) FROM unit_lineage WHERE old_commune_code IS NULL", database) == 6)
            let loads = try await UnitCatalogueStore.loads(database: database)
            #expect(loads.count == 1 && loads[0].loadedBy == "migration 18_units_2025-07-01" && loads[0].reform == "2025-07-01")
            for (name, sha) in files.sha256 { #expect(loads[0].filesJSON.contains("\"\(name)\": \"\(sha)\""), "\(name)") }
        }
    }

    @Test("a code names different units over time: 96 and 31825 before and after 2025-07-01; the filters by province, level and day")
    func codesReused() async throws {
        try await TestPostgres.withDatabase { database in
            let provinces = try await UnitCatalogueStore.list(.init(province: "96", level: .province), database: database)
            #expect(provinces.map { "\($0.code) \($0.validFrom?.description ?? "-") \($0.validTo?.description ?? "-")" }
                    == ["96 - 2025-07-01", "96 2025-07-01 -"])
            let communes = try await UnitCatalogueStore.list(.init(province: "96", level: .commune, on: Day("2026-07-01")), database: database)
            #expect(communes.count == 64 && communes.contains { $0.code == "31825" && $0.nameWithType == "Phường Bạc Liêu" })
            let before = try await UnitCatalogueStore.list(.init(province: "95", level: .commune, on: Day("2025-06-30")), database: database)
            #expect(before.count == 64 && before.contains { $0.code == "31825" && $0.nameWithType == "Phường 1" && $0.districtCode == "954" })
            let districts = try await UnitCatalogueStore.list(.init(province: "95", level: .district, on: Day("2025-06-30")), database: database)
            #expect(districts.map(\.code) == ["954", "956", "957", "958", "959", "960", "961"])
            #expect(try await UnitCatalogueStore.list(.init(level: .district, on: Day("2025-07-01")), database: database).isEmpty)
            let successors = try await UnitCatalogueStore.successors(of: "954", database: database)
            #expect(!successors.isEmpty && successors.allSatisfy { $0.edge.kind.movesEveryone && $0.edge.newProvinceCode == "96" })
            #expect(successors.contains { $0.edge.newCommuneCode == "31825" && $0.successorName == "Phường Bạc Liêu" })
        }
    }

    @Test("loading the same lists again changes nothing and records no load")
    func secondLoadChangesNothing() async throws {
        let files = try UnitCatalogueFiles.bundled()
        try await TestPostgres.withDatabase { database in
            let global = database.scoped(Scope(global: true))
            #expect(try await UnitCatalogueStore.preview(files, database: global).isEmpty)
            let outcome = try await UnitCatalogueStore.load(files, by: Self.admin, database: global)
            #expect(outcome.diff.isEmpty && outcome.loadID == nil)
            #expect(outcome.diff.lines() == ["No change: the catalogue already holds these lists."])
            #expect(try await UnitCatalogueStore.loads(database: database).count == 1)
        }
    }

    @Test("a changed list shows its diff before anything changes, then loads with its audit entry in the same transaction")
    func changedListShowsItsDiff() async throws {
        let folder = try Self.copyOfBundledLists()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.edit("communes-2025.csv", in: folder) {
            $0.replacingOccurrences(of: "31825,Bạc Liêu,ward,Phường Bạc Liêu,96", with: "31825,Bạc Liêu Mới,ward,Phường Bạc Liêu Mới,96")
                + "31999,Thử Nghiệm,commune,Xã Thử Nghiệm,96\n"
        }
        try Self.edit("lineage-2025-07-01.csv", in: folder) { text in
            text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("01,001,00004,01,00004,") }
                .joined(separator: "\n")
        }
        let files = try UnitCatalogueFiles.read(folder: folder)
        try await TestPostgres.withDatabase { database in
            let global = database.scoped(Scope(global: true))
            let diff = try await UnitCatalogueStore.preview(files, database: global)
            let lines = diff.lines()
            #expect(lines.first == "Units: 1 added, 1 changed, 0 removed; lineage edges: 0 added, 0 changed, 1 removed.")
            #expect(lines.contains("  + commune 31999 Xã Thử Nghiệm (province 96, from 2025-07-01)"))
            #expect(lines.contains("  ~ commune 31825 Phường Bạc Liêu (province 96, from 2025-07-01) → commune 31825 Phường Bạc Liêu Mới (province 96, from 2025-07-01)"))
            #expect(lines.contains("  - commune 00004 → commune 00004 on 2025-07-01 (merged)"))
            // The preview changed nothing.
            #expect(try await Self.count("SELECT count(*) FROM units WHERE code = '31999' AND valid_from = '2025-07-01'", database) == 0)
            let outcome = try await UnitCatalogueStore.load(files, by: Self.admin, database: global)
            #expect(outcome.loadID != nil)
            #expect(try await Self.count("SELECT count(*) FROM units WHERE code = '31999' AND valid_from = '2025-07-01'", database) == 1)
            #expect(try await Self.count("SELECT count(*) FROM units WHERE name = 'Bạc Liêu Mới' AND valid_from = '2025-07-01'", database) == 1)
            #expect(try await Self.count("SELECT count(*) FROM unit_lineage WHERE old_commune_code = '00004' AND new_commune_code = '00004'", database) == 0)
            let audit = try await AuditLog.list(database: global)
            #expect(audit.contains { $0.action == .loadUnits && $0.subject == "unit catalogue load \(outcome.loadID!)" && $0.after?["units_added"] == 1 })
            // Loading it again: nothing.
            #expect(try await UnitCatalogueStore.load(files, by: Self.admin, database: global).loadID == nil)
        }
    }

    @Test("a bad list is refused with its file and line, and nothing is written")
    func badListRefused() async throws {
        let folder = try Self.copyOfBundledLists()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.edit("communes-2025.csv", in: folder) { $0 + "31998,Sai Tỉnh,commune,Xã Sai Tỉnh,99\n" }
        #expect(throws: UnitCatalogueError.badFile(file: "communes-2025.csv", line: 3323,
                                                   problem: "province 99 of commune 31998 is not in the list of provinces")) {
            try UnitCatalogueFiles.read(folder: folder)
        }
        try Self.edit("communes-2025.csv", in: folder) { $0.replacingOccurrences(of: "31998,Sai Tỉnh,commune,Xã Sai Tỉnh,99\n", with: "") }
        try FileManager.default.removeItem(atPath: folder + "/districts-before-2025.csv")
        #expect(throws: UnitCatalogueError.missingFile("districts-before-2025.csv", folder: folder)) {
            try UnitCatalogueFiles.read(folder: folder)
        }
    }

    @Test("the application's role reads the catalogue in any scope, and changes it only in a global one")
    func onlyGlobalChanges() async throws {
        try await TestPostgres.withDatabase { database in
            let district = database.scoped(.district("954"))
            #expect(try await Self.count("SELECT count(*) FROM units WHERE level = 'province'", district) == 97)
            _ = try await district.query("UPDATE units SET name = 'X' WHERE code = '96'", "change a unit")
            #expect(try await Self.count("SELECT count(*) FROM units WHERE name = 'X'", database.scoped(Scope(global: true))) == 0)
            await #expect(throws: StoreError.self) {
                try await district.query("""
                    INSERT INTO units (level, code, valid_from, name, type, name_with_type, province_code)
                    VALUES ('province', '99', '2030-01-01', 'X', 'province', 'Tỉnh X', '99')
                    """, "add a unit")
            }
        }
    }
}
