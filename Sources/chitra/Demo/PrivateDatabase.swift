import ChitraLocal
import ChitraStore
import Foundation
import Logging

/// The database a self-contained command (the demo) uses: a private cluster in a folder of its
/// own, never `DATABASE_URL` (which may name production: a synthetic province must not land
/// there). The cluster is kept in its folder and reused next time (no initdb); the database is
/// made afresh each time. The server stops when this process ends, however it ends.
struct PrivateDatabase {
    /// The owner's URL: migrations only.
    let url: DatabaseURL
    let cluster: LocalCluster

    /// What `chitra serve` connects with (the demo's own steps, which act as its people would through the API).
    var apiURL: DatabaseURL { cluster.url(.api, database: url.database) }
    /// What workers connect with.
    var workerURL: DatabaseURL { cluster.url(.worker, database: url.database) }

    struct InUse: Error, CustomStringConvertible {
        var folder: String
        var description: String {
            "A PostgreSQL server already runs in \(folder) (another demo with --keep-running?); stop it, or give another --folder."
        }
    }

    static func make(name: String, folder: String, logger: Logger) async throws -> PrivateDatabase {
        if LocalCluster.status(of: folder).running { throw InUse(folder: folder) }
        let cluster = try await LocalCluster.start(in: folder, ephemeral: true, keepFolder: true)
        let url = cluster.ownerURL(database: name)
        try await AdminStatement.dropDatabase(name, on: cluster.ownerURL(), logger: logger)
        try await AdminStatement.createDatabase(name, on: cluster.ownerURL(), logger: logger)
        return PrivateDatabase(url: url, cluster: cluster)
    }

    /// Another database, made afresh, on the same server.
    func another(name: String, logger: Logger) async throws -> PrivateDatabase {
        try await AdminStatement.dropDatabase(name, on: cluster.ownerURL(), logger: logger)
        try await AdminStatement.createDatabase(name, on: cluster.ownerURL(), logger: logger)
        return PrivateDatabase(url: cluster.ownerURL(database: name), cluster: cluster)
    }

    func stop() async {
        await cluster.stop(removingFolder: false)
    }
}
