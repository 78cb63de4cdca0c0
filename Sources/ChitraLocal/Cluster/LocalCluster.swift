import ChitraStore
import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// A private PostgreSQL cluster started from the installed server binaries: for the tests, the
/// demo and `chitra db start`. It listens on a Unix socket in its own folder (mode 0700) and on
/// 127.0.0.1 only, asks every connection for a password (`scram-sha-256`, local ones included), and
/// runs as the `postgres` user when the caller is root. Its roles, each with only its privileges:
///
/// - `chitra`, the bootstrap superuser: `initdb`, and the roles below; nothing of Chitra's runs as it;
/// - `chitra_owner`, the owner of the tables: migrations, service credentials, the first admin
///   token; not a superuser (row-level security and the audit log's triggers bind it too), it may
///   create databases and end sessions;
/// - `chitra_api`, what `chitra serve` logs in as, and `chitra_worker`, what workers log in as: both
///   hold the application's privileges (`chitra_app`, migration 11), bound by row-level security;
///   only the worker may act as the queue (`chitra_queue`, migration 27).
///
/// Their passwords are in files of mode 0600 in the folder.
public struct LocalCluster: Sendable {
    /// The folder holding `data/` (the cluster) and the socket.
    public let folder: String
    public let port: Int
    public let binaries: PostgresBinaries
    /// The bootstrap superuser's password.
    public let password: String
    /// The passwords of the roles that log in: owner, API, worker.
    public let passwords: [LoginRole: String]

    /// The superuser the cluster was created with.
    public static let superuser = "chitra"

    /// The roles Chitra's processes log in as.
    public enum LoginRole: String, Sendable, CaseIterable {
        case owner = "chitra_owner"
        case api = "chitra_api"
        case worker = "chitra_worker"

        var passwordFile: String {
            switch self {
            case .owner: "owner.password"
            case .api: "api.password"
            case .worker: "worker.password"
            }
        }
    }

    /// The bootstrap superuser's URL: for what only a superuser may do to the cluster (its settings,
    /// a base backup), never for Chitra's own statements.
    public func superuserURL(database: String = "postgres") -> DatabaseURL {
        DatabaseURL(user: Self.superuser, password: password, host: "127.0.0.1", port: port,
                    database: database, sslMode: "disable")
    }

    /// The URL of database `database` as `role`.
    public func url(_ role: LoginRole, database: String = "postgres") -> DatabaseURL {
        DatabaseURL(user: role.rawValue, password: passwords[role] ?? "", host: "127.0.0.1", port: port,
                    database: database, sslMode: "disable")
    }

    /// The owner's URL: creating and dropping databases, migrations.
    public func ownerURL(database: String = "postgres") -> DatabaseURL { url(.owner, database: database) }

    public var dataFolder: String { folder + "/data" }
    public var logPath: String { folder + "/postgres.log" }

    /// Server settings for a private cluster. Durability stays on (`fsync`, `synchronous_commit`)
    /// so that figures measured on it hold for a real server; `max_connections` is raised because
    /// test suites run in parallel, each with its own pool. The planner's costs are those of
    /// `ops/postgres/postgresql.conf` (data on SSD and in memory): with the default
    /// `random_page_cost` of 4, outcomes of a thousand transfers took a scan of the whole table
    /// instead of a thousand probes of the EndToEndId's index (the payout benchmark). Like there,
    /// slow statements are logged without their parameters: CCCDs and account numbers are
    /// parameters (and logging a batch's arrays of ten thousand values cost more than the batch).
    public static let defaultSettings: [String: String] = [
        "log_parameter_max_length": "0",
        "log_parameter_max_length_on_error": "0",
        "max_connections": "300",
        "shared_buffers": "256MB",
        "listen_addresses": "127.0.0.1",
        "random_page_cost": "1.1",
        "effective_cache_size": "4GB",
        "autovacuum_naptime": "10s",
        // As ops/postgres/postgresql.conf: the sessions of a client whose host vanished end in
        // seconds, and the locks they held with them.
        "tcp_keepalives_idle": "10s",
        "tcp_keepalives_interval": "5s",
        "tcp_keepalives_count": "3",
        "tcp_user_timeout": "20s",
        "client_connection_check_interval": "5s",
    ]

    static var runningAsRoot: Bool { geteuid() == 0 }

    /// Creates a cluster in `folder` (a new temporary folder when `nil`) and starts it.
    /// With `ephemeral`, a watchdog stops the server and removes the folder (unless `keepFolder`)
    /// as soon as this process is gone, however it ends.
    public static func start(in folder: String? = nil, port: Int? = nil, settings: [String: String] = [:],
                             ephemeral: Bool = true, keepFolder: Bool = false) async throws(StoreError) -> LocalCluster {
        let binaries = try PostgresBinaries.locate()
        let folder = if let folder { folder } else { try makeTemporaryFolder() }
        let port = if let port { port } else { try FreePort.find() }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: folder)
            var passwords: [LoginRole: String] = [:]
            for role in LoginRole.allCases { passwords[role] = try readOrMakePassword(in: folder, file: role.passwordFile) }
            let cluster = LocalCluster(folder: folder, port: port, binaries: binaries,
                                       password: try readOrMakePassword(in: folder, file: passwordFile), passwords: passwords)
            if ephemeral { try cluster.startWatchdog(removingFolder: !keepFolder) }
            let fresh = !FileManager.default.fileExists(atPath: cluster.dataFolder + "/PG_VERSION")
            if fresh { try await cluster.initialize() }
            try await cluster.launch(settings: defaultSettings.merging(settings) { $1 }, detached: !ephemeral)
            try await cluster.ensureRoles()
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

    /// The URL of database `database` as `role` (nil: the bootstrap superuser) through the cluster's socket.
    public func socketURL(_ role: LoginRole?, database: String = "postgres") -> DatabaseURL {
        DatabaseURL(user: role?.rawValue ?? Self.superuser, password: role.map { passwords[$0] ?? "" } ?? password, port: port,
                    socketDirectory: folder, database: database)
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
        func read(_ file: String) -> String {
            ((try? String(contentsOfFile: folder + "/" + file, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var passwords: [LoginRole: String] = [:]
        for role in LoginRole.allCases { passwords[role] = read(role.passwordFile) }
        return LocalCluster(folder: folder, port: port, binaries: try PostgresBinaries.locate(),
                            password: read(passwordFile), passwords: passwords)
    }

    static let passwordFile = "superuser.password"

    private static func readOrMakePassword(in folder: String, file: String) throws -> String {
        let path = folder + "/" + file
        if let existing = try? String(contentsOfFile: path, encoding: .utf8) {
            return existing.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let password = SecretText.random(length: 32)
        try PrivateFile.write(password, to: path)
        return password
    }

    /// Chitra's roles with this cluster's passwords, made by the bootstrap superuser
    /// (`AdminStatement.ensureRoles` says what each may do).
    func ensureRoles() async throws {
        try await AdminStatement.ensureRoles(ownerPassword: passwords[.owner] ?? "", apiPassword: passwords[.api] ?? "",
                                             workerPassword: passwords[.worker] ?? "", on: superuserURL(),
                                             logger: Logger(label: "chitra.cluster", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    static func makeTemporaryFolder() throws(StoreError) -> String {
        // Short, so that the socket path stays under the ~100-byte limit of Unix sockets.
        var template = Array("/tmp/chitra-pg-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw .clusterFailed("cannot create a folder in /tmp") }
        return String(cString: made)
    }
}
