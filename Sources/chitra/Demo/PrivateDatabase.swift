import ChitraStore
import Foundation
import Logging

/// The database a self-contained command (the demo, the benchmarks) uses: always a private cluster
/// started for this process alone and removed when it ends, never `DATABASE_URL` (which may name
/// production: a synthetic province must not land there).
struct PrivateDatabase {
    /// The owner's URL: migrations only.
    let url: DatabaseURL
    let cluster: LocalCluster

    /// What the product connects with.
    var applicationURL: DatabaseURL { cluster.applicationURL(database: url.database) }

    static func make(name: String, settings: [String: String] = [:], logger: Logger) async throws -> PrivateDatabase {
        let cluster = try await LocalCluster.start(settings: settings)
        let url = cluster.url(database: name)
        try await AdminStatement.createDatabase(name, on: cluster.url(), logger: logger)
        return PrivateDatabase(url: url, cluster: cluster)
    }

    func stop() async {
        await cluster.stop()
    }
}

/// One line that rewrites itself on a terminal, or a line per update elsewhere.
struct ProgressLine {
    let interactive = isatty(STDOUT_FILENO) != 0

    func show(_ text: String) {
        if interactive {
            FileHandle.standardOutput.write(Data(("\r\u{1B}[K" + text).utf8))
        } else {
            print(text)
        }
    }

    func finish() {
        if interactive { print("") }
    }
}
