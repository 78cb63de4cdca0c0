import ChitraStore
import Foundation
import Logging
import Synchronization

/// The database a self-contained command (the demo) uses: a private cluster in a folder of its
/// own, never `DATABASE_URL` (which may name production: a synthetic province must not land
/// there). The cluster is kept in its folder and reused next time (no initdb); the database is
/// made afresh each time. The server stops when this process ends, however it ends.
struct PrivateDatabase {
    /// The owner's URL: migrations only.
    let url: DatabaseURL
    let cluster: LocalCluster

    /// What the product connects with.
    var applicationURL: DatabaseURL { cluster.applicationURL(database: url.database) }

    struct InUse: Error, CustomStringConvertible {
        var folder: String
        var description: String {
            "A PostgreSQL server already runs in \(folder) (another demo with --keep-running?); stop it, or give another --folder."
        }
    }

    static func make(name: String, folder: String, logger: Logger) async throws -> PrivateDatabase {
        if LocalCluster.status(of: folder).running { throw InUse(folder: folder) }
        let cluster = try await LocalCluster.start(in: folder, ephemeral: true, keepFolder: true)
        let url = cluster.url(database: name)
        try await AdminStatement.dropDatabase(name, on: cluster.url(), logger: logger)
        try await AdminStatement.createDatabase(name, on: cluster.url(), logger: logger)
        return PrivateDatabase(url: url, cluster: cluster)
    }

    func stop() async {
        await cluster.stop(removingFolder: false)
    }
}

/// One line that rewrites itself on a terminal; elsewhere (a log, CI) a line when it changed, at
/// most every five seconds, and its last state at the end.
final class ProgressLine: Sendable {
    let interactive = isatty(STDOUT_FILENO) != 0
    private struct State {
        var shown: String?
        var printed: String?
        var printedAt = ContinuousClock.now - .seconds(60)
    }
    private let state = Mutex(State())

    func show(_ text: String) {
        if interactive {
            FileHandle.standardOutput.write(Data(("\r\u{1B}[K" + text).utf8))
            return
        }
        let due = state.withLock { state -> Bool in
            state.shown = text
            guard text != state.printed, ContinuousClock.now - state.printedAt >= .seconds(5) else { return false }
            state.printed = text
            state.printedAt = ContinuousClock.now
            return true
        }
        if due { print(text) }
    }

    /// Ends the line; elsewhere prints its last state if it was not printed.
    func finish() {
        if interactive { return print("") }
        let last = state.withLock { state in state.shown != state.printed ? state.shown : nil }
        if let last { print(last) }
    }

    /// `[██████░░░░]  62 %`.
    static func bar(_ done: Int, of total: Int, width: Int = 24) -> String {
        let fraction = total <= 0 ? 1 : min(1, max(0, Double(done) / Double(total)))
        let filled = Int((fraction * Double(width)).rounded())
        return "[" + String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled) + "] "
            + String(format: "%3.0f %%", fraction * 100)
    }
}
