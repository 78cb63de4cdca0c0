import ChitraCore
import ChitraStore
import Foundation

/// The demo's register: a synthetic province (the plan's mix of programmes, categories and
/// methods, some without documents, some with accounts the banks will reject), one file per
/// district, imported as operators would.
enum DemoRegister {
    static func importProvince(database: Database, districts: [String], total: Int, by identity: Identity) async throws {
        let policy = try PolicyTable.bundled()
        let generator = SyntheticRegister(policy: policy)
        let folder = NSTemporaryDirectory() + "chitra-demo-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let importer = RegisterImporter(database: database, policy: policy)
        let clock = ContinuousClock()
        let start = clock.now
        let progress = ProgressLine()
        var assigned = 0
        for (index, district) in districts.enumerated() {
            let rows = index == districts.count - 1 ? total - assigned : total / districts.count
            let path = "\(folder)/register-\(district).csv"
            _ = try SyntheticRegisterFile.write(district: district, range: (assigned + 1)..<(assigned + rows + 1), generator: generator, to: path)
            _ = try await importer.importFile(at: path, district: district, by: identity)
            assigned += rows
            progress.show("• register: \(ProgressLine.bar(assigned, of: total)) \(VietnameseNumber.grouped(assigned)) imported (district \(district))")
        }
        progress.finish()
        let seconds = (clock.now - start).seconds
        print(String(format: "• register: %@ synthetic beneficiaries in %d district files, generated and imported in %.1f s, as the operator %@",
                     VietnameseNumber.grouped(total), districts.count, seconds, identity.name))
    }
}
