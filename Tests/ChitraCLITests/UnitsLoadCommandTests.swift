import ChitraCore
import ChitraStore
import ChitraTesting
import Foundation
import Testing

extension CommandLineTests {
    /// A copy of the lists the migration loaded, in a folder of their own.
    static func copyOfBundledLists() throws -> String {
        let source = try #require(Migration.bundledFolder) + "/0018_units_2025-07-01"
        let folder = NSTemporaryDirectory() + "chitra-units-\(UUID().uuidString.prefix(8))"
        try FileManager.default.copyItem(atPath: source, toPath: folder)
        return folder
    }

    @Test("chitra units load sends the lists to the server: the lists already held change nothing, a renamed commune is shown then loaded by an admin only, and units loads lists every load with its files' SHA-256")
    func unitsLoad() async throws {
        try await TestPostgres.withNewDatabase { url in
            let folder = try Self.copyOfBundledLists()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            var result = try await Self.run(["units", "load", folder], url: url, as: .admin)
            #expect(result.status == 0 && result.output.contains("No change: the catalogue already holds these lists."), "\(result.output)")
            #expect(result.output.contains("communes-2025.csv  sha256 "), "\(result.output)")
            #expect(!result.output.contains("Loaded"), "\(result.output)")

            let communes = folder + "/communes-2025.csv"
            let text = try String(contentsOfFile: communes, encoding: .utf8)
            try text.replacingOccurrences(of: "00004,Ba Đình,ward,Phường Ba Đình,01", with: "00004,Ba Đình Mới,ward,Phường Ba Đình Mới,01")
                .write(toFile: communes, atomically: true, encoding: .utf8)
            result = try await Self.run(["units", "load", folder, "--dry-run"], url: url, as: .operatorAn)
            #expect(result.status == 0 && result.output.contains("Units: 0 added, 1 changed, 0 removed"), "a dry run is anyone's: \(result.output)")
            #expect(!result.output.contains("Loaded"), "\(result.output)")
            result = try await Self.run(["units", "load", folder], url: url, as: .operatorAn)
            #expect(result.status == 5, "only an admin loads lists: \(result.output)")
            result = try await Self.run(["units", "load", folder], url: url, as: .admin)
            #expect(result.status == 0 && result.output.contains("Units: 0 added, 1 changed, 0 removed"), "\(result.output)")
            #expect(result.output.hasSuffix("Loaded (load 2)."), "\(result.output)")
            result = try await Self.run(["units", "list", "--province", "01", "--level", "commune"], url: url)
            #expect(result.output.contains("Phường Ba Đình Mới"), "\(result.output)")

            result = try await Self.run(["units", "loads"], url: url)
            #expect(result.status == 0, "\(result.output)")
            let loads = result.output.split(separator: "\n").filter { $0.hasPrefix("load ") }
            #expect(loads.count == 2, "the migration's and the admin's: \(result.output)")
            #expect(loads.contains { $0.contains("· Quản trị ·") && $0.contains("units +0 ~1 -0") }, "\(result.output)")

            // A folder without the lists: one sentence, nothing sent.
            result = try await Self.run(["units", "load", NSTemporaryDirectory()], url: url, as: .admin)
            #expect(result.status != 0 && result.output.hasPrefix("Error: "), "\(result.output)")
        }
    }
}
