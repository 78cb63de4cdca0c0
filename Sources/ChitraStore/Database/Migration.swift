import Foundation

/// One numbered schema change: `0003_runs.sql` is version 3, named `runs`.
public struct Migration: Sendable, Hashable {
    public let version: Int
    public let name: String
    public let sql: String

    /// The migrations shipped with Chitra, as package resources.
    public static var bundledFolder: String? {
        Bundle.module.url(forResource: "Migrations", withExtension: nil)?.path
    }

    /// Reads every `NNNN_name.sql` of `folder`, in version order.
    public static func load(from folder: String) throws(StoreError) -> [Migration] {
        guard let files = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            throw .migrationFolderMissing(path: folder)
        }
        var migrations: [Migration] = []
        for file in files.sorted() where file.hasSuffix(".sql") {
            let stem = file.dropLast(4)
            let parts = stem.split(separator: "_", maxSplits: 1)
            guard parts.count == 2, let version = Int(parts[0]), version > 0 else {
                throw .migrationInvalid(file: file, reason: "its name must be NNNN_name.sql")
            }
            guard let sql = try? String(contentsOfFile: folder + "/" + file, encoding: .utf8) else {
                throw .migrationInvalid(file: file, reason: "it is not readable UTF-8 text")
            }
            if let previous = migrations.last, previous.version == version {
                throw .migrationInvalid(file: file, reason: "version \(version) appears twice")
            }
            migrations.append(Migration(version: version, name: String(parts[1]), sql: sql))
        }
        guard !migrations.isEmpty else { throw .migrationFolderMissing(path: folder) }
        return migrations
    }
}
