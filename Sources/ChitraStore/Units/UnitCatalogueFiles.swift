import ChitraCore
import Crypto
import Foundation

/// A folder of official unit lists as read from disk: the catalogue they make and each file's
/// SHA-256 (recorded with every load, so anyone can tell which lists a database holds).
public struct UnitCatalogueFiles: Sendable {
    public var folder: String
    public var catalogue: UnitCatalogue
    /// File name → SHA-256 (hex) of the six lists.
    public var sha256: [String: String]

    /// The lists shipped with Chitra (the migration's folder), for the demo and the synthetic registers.
    public static func bundled() throws -> UnitCatalogueFiles {
        guard let migrations = Migration.bundledFolder else { throw StoreError.migrationFolderMissing(path: "(bundled)") }
        for migration in try Migration.load(from: migrations).reversed() {
            if case .unitLists(let folder) = migration.body { return try read(folder: folder) }
        }
        throw StoreError.migrationFolderMissing(path: migrations + " (no unit lists)")
    }

    public static func read(folder: String) throws -> UnitCatalogueFiles {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            throw UnitCatalogueError.badFile(file: folder, line: 0, problem: "the folder cannot be read")
        }
        let reform = try UnitCatalogue.reformDay(fileNames: names, folder: folder)
        var texts: [String: String] = [:], hashes: [String: String] = [:]
        for name in UnitCatalogue.fileNames(reform: reform) {
            guard let data = FileManager.default.contents(atPath: folder + "/" + name) else {
                throw UnitCatalogueError.missingFile(name, folder: folder)
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw UnitCatalogueError.badFile(file: name, line: 0, problem: "it is not UTF-8 text")
            }
            texts[name] = text
            hashes[name] = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        }
        return UnitCatalogueFiles(folder: folder, catalogue: try UnitCatalogue.parse(files: texts, folder: folder), sha256: hashes)
    }
}
