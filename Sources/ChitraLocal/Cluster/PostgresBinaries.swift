import ChitraStore
import Foundation

/// Where the installed PostgreSQL server programs live: the folder holding `initdb`,
/// `postgres` and `pg_ctl`, found on PATH (links resolved) or under `/usr/lib/postgresql/*/bin`.
public struct PostgresBinaries: Sendable {
    public let folder: String

    public var initdb: String { folder + "/initdb" }
    public var postgres: String { folder + "/postgres" }
    public var pgBasebackup: String { folder + "/pg_basebackup" }
    public var pgCtl: String { folder + "/pg_ctl" }

    static let debianRoot = "/usr/lib/postgresql"

    public static func locate() throws(StoreError) -> PostgresBinaries {
        var candidates: [String] = []
        if let initdb = SpawnedProcess.which("initdb") {
            candidates.append(URL(fileURLWithPath: initdb).resolvingSymlinksInPath().deletingLastPathComponent().path)
        }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: debianRoot)) ?? []
        for version in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
            candidates.append("\(debianRoot)/\(version)/bin")
        }
        for folder in candidates {
            let binaries = PostgresBinaries(folder: folder)
            if [binaries.initdb, binaries.postgres, binaries.pgCtl].allSatisfy(FileManager.default.isExecutableFile(atPath:)) {
                return binaries
            }
        }
        throw .serverBinariesMissing(searched: [debianRoot + "/*/bin"])
    }
}
