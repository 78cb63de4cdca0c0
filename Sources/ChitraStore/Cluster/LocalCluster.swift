import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A private PostgreSQL cluster started from the installed server binaries: for the tests, the
/// demo and `chitra db start`. It listens on a Unix socket in its own folder and on 127.0.0.1
/// only, trusts local connections, and runs as the `postgres` user when the caller is root.
public struct LocalCluster: Sendable {
    /// The folder holding `data/` (the cluster) and the socket.
    public let folder: String
    public let port: Int
    public let binaries: PostgresBinaries
    /// The superuser's password: local socket connections are trusted, TCP ones must give it.
    public let password: String
    /// The superuser the cluster was created with.
    public static let superuser = "chitra"

    public var dataFolder: String { folder + "/data" }
    public var logPath: String { folder + "/postgres.log" }

    /// The URL of database `name` on this cluster, through 127.0.0.1.
    public func url(database: String = "postgres") -> DatabaseURL {
        DatabaseURL(user: Self.superuser, password: password, host: "127.0.0.1", port: port,
                    database: database, sslMode: "disable")
    }

    /// Server settings for a private cluster. Durability stays on (`fsync`, `synchronous_commit`)
    /// so that figures measured on it hold for a real server; `max_connections` is raised because
    /// test suites run in parallel, each with its own pool.
    public static let defaultSettings: [String: String] = [
        "max_connections": "300",
        "shared_buffers": "256MB",
        "listen_addresses": "127.0.0.1",
    ]

    static var runningAsRoot: Bool { geteuid() == 0 }

    /// Creates a cluster in `folder` (a new temporary folder when `nil`) and starts it.
    /// With `ephemeral`, a watchdog stops the server and removes the folder as soon as this
    /// process is gone, however it ends.
    public static func start(in folder: String? = nil, port: Int? = nil, settings: [String: String] = [:],
                             ephemeral: Bool = true) async throws(StoreError) -> LocalCluster {
        let binaries = try PostgresBinaries.locate()
        let folder = if let folder { folder } else { try makeTemporaryFolder() }
        let port = if let port { port } else { try FreePort.find() }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let cluster = LocalCluster(folder: folder, port: port, binaries: binaries, password: try readOrMakePassword(in: folder))
            if ephemeral { try cluster.startWatchdog() }
            if !FileManager.default.fileExists(atPath: cluster.dataFolder + "/PG_VERSION") {
                try await cluster.initialize()
            }
            try await cluster.launch(settings: defaultSettings.merging(settings) { $1 }, detached: !ephemeral)
            return cluster
        } catch let error as StoreError {
            throw error
        } catch {
            throw .clusterFailed(String(describing: error))
        }
    }

    /// Stops the server (fast shutdown: open sessions are ended) and, if asked, removes the folder.
    public func stop(removingFolder: Bool = true) async {
        _ = try? await Subprocess.run(asServerUser(binaries.pgCtl), asServerUserArguments(
            binaries.pgCtl, ["stop", "-D", dataFolder, "-m", "fast", "-w", "-t", "30"]), in: folder)
        if removingFolder { try? FileManager.default.removeItem(atPath: folder) }
    }

    /// Stops the server and starts it again on the same folder and port (for tests of what
    /// survives a database restart).
    public func restart(settings: [String: String] = [:]) async throws {
        await stop(removingFolder: false)
        try await launch(settings: Self.defaultSettings.merging(settings) { $1 }, detached: false)
    }

    /// Whether a server is running on the cluster in `folder`, and its port.
    public static func status(of folder: String) -> (running: Bool, port: Int?) {
        guard let text = try? String(contentsOfFile: folder + "/data/postmaster.pid", encoding: .utf8) else {
            return (false, nil)
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let pid = lines.first.flatMap { Int32($0.trimmingCharacters(in: .whitespaces)) }
        let port = lines.count > 3 ? Int(lines[3].trimmingCharacters(in: .whitespaces)) : nil
        let alive = pid.map { kill($0, 0) == 0 } ?? false
        return (alive, port)
    }

    /// The cluster already in `folder`, as started before by `start(in:ephemeral: false)`.
    public static func existing(in folder: String) throws(StoreError) -> LocalCluster? {
        let (running, port) = status(of: folder)
        guard running, let port else { return nil }
        let password = (try? String(contentsOfFile: folder + "/" + passwordFile, encoding: .utf8)) ?? ""
        return LocalCluster(folder: folder, port: port, binaries: try PostgresBinaries.locate(),
                            password: password.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    static let passwordFile = "superuser.password"

    private static func readOrMakePassword(in folder: String) throws -> String {
        let path = folder + "/" + passwordFile
        if let existing = try? String(contentsOfFile: path, encoding: .utf8) {
            return existing.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let alphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        let password = String((0..<24).map { _ in alphabet.randomElement()! })
        try password.write(toFile: path, atomically: true, encoding: .utf8)
        return password
    }

    private static func makeTemporaryFolder() throws(StoreError) -> String {
        // Short, so that the socket path stays under the ~100-byte limit of Unix sockets.
        var template = Array("/tmp/chitra-pg-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw .clusterFailed("cannot create a folder in /tmp") }
        return String(cString: made)
    }
}
