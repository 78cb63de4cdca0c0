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
        try make(contents: try contents(ofFolder: folder), source: folder)
    }

    /// The files of `folder` that make a catalogue (by name), as they are on disk: what
    /// `chitra units load` sends.
    public static func contents(ofFolder folder: String) throws -> [String: Data] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            throw UnitCatalogueError.badFile(file: folder, line: 0, problem: "the folder cannot be read")
        }
        let reform = try UnitCatalogue.reformDay(fileNames: names, folder: folder)
        var contents: [String: Data] = [:]
        for name in UnitCatalogue.fileNames(reform: reform) {
            guard let data = FileManager.default.contents(atPath: folder + "/" + name) else {
                throw UnitCatalogueError.missingFile(name, folder: folder)
            }
            contents[name] = data
        }
        return contents
    }

    /// The catalogue of `contents` (file name → bytes, e.g. uploaded), from `source` (named in errors).
    public static func make(contents: [String: Data], source: String) throws -> UnitCatalogueFiles {
        let reform = try UnitCatalogue.reformDay(fileNames: Array(contents.keys), folder: source)
        var texts: [String: String] = [:], hashes: [String: String] = [:]
        for name in UnitCatalogue.fileNames(reform: reform) {
            guard let data = contents[name] else {
                throw UnitCatalogueError.missingFile(name, folder: source)
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw UnitCatalogueError.badFile(file: name, line: 0, problem: "it is not UTF-8 text")
            }
            texts[name] = text
            hashes[name] = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        }
        return UnitCatalogueFiles(folder: source, catalogue: try UnitCatalogue.parse(files: texts, folder: source), sha256: hashes)
    }
}
