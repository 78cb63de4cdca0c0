import Foundation

/// One numbered schema change: `0003_runs.sql` is version 3, named `runs`. A folder
/// `NNNN_units_DAY/` is a migration too: official unit lists, loaded into the unit catalogue by
/// the same code as `chitra units load` (`UnitCatalogueStore`), in the migration's transaction.
public struct Migration: Sendable, Hashable {
    public enum Body: Sendable, Hashable {
        case sql(String)
        /// A folder of official unit lists (see `UnitCatalogueFiles`).
        case unitLists(folder: String)
    }

    public let version: Int
    public let name: String
    public let body: Body

    public init(version: Int, name: String, body: Body) {
        self.version = version
        self.name = name
        self.body = body
    }

    /// The migrations shipped with Chitra, as package resources.
    public static var bundledFolder: String? {
        Bundle.module.url(forResource: "Migrations", withExtension: nil)?.path
    }

    /// Reads every `NNNN_name.sql` and `NNNN_name/` folder of `folder`, in version order.
    public static func load(from folder: String) throws(StoreError) -> [Migration] {
        guard let files = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            throw .migrationFolderMissing(path: folder)
        }
        var migrations: [Migration] = []
        for file in files.sorted() {
            let path = folder + "/" + file
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { continue }
            guard file.hasSuffix(".sql") || (isFolder.boolValue && file.first?.isNumber == true) else { continue }
            let stem = isFolder.boolValue ? Substring(file) : file.dropLast(4)
            let parts = stem.split(separator: "_", maxSplits: 1)
            guard parts.count == 2, let version = Int(parts[0]), version > 0 else {
                throw .migrationInvalid(file: file, reason: "its name must be NNNN_name.sql, or NNNN_name/ for a folder of unit lists")
            }
            let body: Body
            if isFolder.boolValue {
                body = .unitLists(folder: path)
            } else {
                guard let sql = try? String(contentsOfFile: path, encoding: .utf8) else {
                    throw .migrationInvalid(file: file, reason: "it is not readable UTF-8 text")
                }
                body = .sql(sql)
            }
            if let previous = migrations.last, previous.version == version {
                throw .migrationInvalid(file: file, reason: "version \(version) appears twice")
            }
            migrations.append(Migration(version: version, name: String(parts[1]), body: body))
        }
        guard !migrations.isEmpty else { throw .migrationFolderMissing(path: folder) }
        return migrations
    }
}
