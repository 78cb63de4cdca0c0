import ChitraCore
import ChitraStore
import Foundation

/// The demo's register: a synthetic province (the plan's mix of programmes, categories and
/// methods, some without documents, some with accounts the banks will reject), one file per
/// commune, of unequal sizes as real communes are (a ward of the city has several times a remote
/// commune's people), imported as operators would.
enum DemoRegister {
    static func importProvince(database: Database, communes: [AdministrativeUnit], total: Int, by identity: Identity) async throws {
        let policy = try PolicyTable.bundled()
        let generator = SyntheticRegister(policy: policy)
        let folder = NSTemporaryDirectory() + "chitra-demo-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let importer = RegisterImporter(database: database, policy: policy)
        let clock = ContinuousClock()
        let start = clock.now
        let progress = ProgressLine()
        let sizes = Self.sizes(total: total, communes: communes)
        var assigned = 0
        for (commune, rows) in zip(communes, sizes) where rows > 0 {
            let path = "\(folder)/register-\(commune.code).csv"
            _ = try SyntheticRegisterFile.write(district: commune.code, range: (assigned + 1)..<(assigned + rows + 1), generator: generator,
                                               province: commune.provinceCode, to: path)
            _ = try await importer.importFile(at: path, district: commune.code, by: identity)
            assigned += rows
            progress.show("• register: \(ProgressLine.bar(assigned, of: total)) \(VietnameseNumber.grouped(assigned)) imported (\(commune.nameWithType))")
        }
        progress.finish()
        let seconds = (clock.now - start).seconds
        print(String(format: "• register: %@ synthetic beneficiaries in %d commune files, generated and imported in %.1f s, as the operator %@",
                     VietnameseNumber.grouped(total), communes.count, seconds, identity.name))
    }

    /// Each commune's share of `total`: wards three times a commune's weight, communes from one to
    /// two by their code (deterministic), every commune at least one person.
    static func sizes(total: Int, communes: [AdministrativeUnit]) -> [Int] {
        let weights = communes.map { ($0.type == "ward" ? 3.0 : 1.0) * (1.0 + Double((Int($0.code) ?? 0) % 7) / 6.0) }
        let sum = weights.reduce(0, +)
        var sizes = weights.map { max(1, Int(Double(total) * $0 / sum)) }
        sizes[sizes.count - 1] += total - sizes.reduce(0, +)
        return sizes
    }
}
