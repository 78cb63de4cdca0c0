import ChitraCore
import ChitraStore
import Foundation
import PostgresNIO

/// The demo's register: a synthetic province, one file per district, imported as operators would.
enum DemoRegister {
    static func importProvince(database: Database, districts: [String], perDistrict: Int, by identity: Identity) async throws {
        let policy = try PolicyTable.bundled()
        let generator = SyntheticRegister(policy: policy)
        let folder = NSTemporaryDirectory() + "chitra-demo-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let importer = RegisterImporter(database: database, policy: policy)
        let clock = ContinuousClock()
        let start = clock.now
        for district in districts {
            let path = "\(folder)/register-\(district).csv"
            _ = try SyntheticRegisterFile.write(district: district, range: 1..<(perDistrict + 1), generator: generator, to: path)
            _ = try await importer.importFile(at: path, district: district, by: identity)
        }
        let seconds = (clock.now - start).seconds
        let total = perDistrict * districts.count
        print(String(format: "• register: %d synthetic beneficiaries in %d district files generated and imported in %.1f s (%.0f rows/s)",
                     total, districts.count, seconds, Double(total) / max(seconds, 1e-9)))
        var table = TextTable("DISTRICT", "NAME", "BENEFICIARIES", "NCC", "BTXH", "CASH", "CAN OPEN ACCOUNT", "NO CCCD")
        let rows = try await database.client.query("""
            SELECT d.code, d.name, count(b.*), count(*) FILTER (WHERE program = 'ncc'), count(*) FILTER (WHERE program = 'btxh'),
                   count(*) FILTER (WHERE payment_method IN ('cash', 'cash_home')),
                   count(*) FILTER (WHERE payment_method IN ('cash', 'cash_home') AND cccd IS NOT NULL AND recipient = 'self'),
                   count(*) FILTER (WHERE cccd IS NULL)
            FROM districts d LEFT JOIN beneficiaries b ON b.district_code = d.code
            GROUP BY d.code, d.name ORDER BY d.code
            """)
        for try await (code, name, count, ncc, btxh, cash, canOpen, missing) in rows.decode(
            (String, String, Int64, Int64, Int64, Int64, Int64, Int64).self) {
            table.add(code, name, "\(count)", "\(ncc)", "\(btxh)", "\(cash)", "\(canOpen)", "\(missing)")
        }
        print(table.rendered)
    }
}
