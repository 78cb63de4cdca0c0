import ArgumentParser
import ChitraCore
import ChitraStore
import ChitraWorker
import Foundation
import Logging

/// How a server-side command finds the database: `--database-url` or `DATABASE_URL` (the
/// application's role), or for migrations and the first token the owner's URL.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("database-url"), help: "PostgreSQL URL (default: the DATABASE_URL environment variable). Put no password in it: arguments are visible to every local user; use --password-file or DATABASE_URL.")
    var databaseURL: String?

    @Option(name: .customLong("password-file"), help: "A password file in .pgpass format (default: the PGPASSFILE environment variable), for a URL without a password.")
    var passwordFile: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = ProcessInfo.processInfo.environment["CHITRA_LOG_LEVEL"] ?? "warning"

    @Option(name: .customLong("log-format"), help: "Log lines as text or json, one object per line (default: CHITRA_LOG_FORMAT, else text).")
    var logFormat: String?

    /// The application's URL (`DATABASE_URL`), or with `owner`, the owner's (`CHITRA_OWNER_DATABASE_URL`),
    /// for migrations.
    func url(owner: Bool = false) throws -> DatabaseURL {
        try url(variable: owner ? "CHITRA_OWNER_DATABASE_URL" : "DATABASE_URL")
    }

    /// The URL of `--database-url`, else of environment variable `variable`, its password from the
    /// password file when it has none.
    func url(variable: String) throws -> DatabaseURL {
        let environment = ProcessInfo.processInfo.environment
        guard let text = databaseURL ?? environment[variable], !text.isEmpty else {
            throw ValidationError("\(variable) is not set: run `chitra db start` and export the URL it prints, or pass --database-url.")
        }
        if databaseURL != nil, try DatabaseURL(parsing: text).password != nil {
            FileHandle.standardError.write(Data("Warning: the password in --database-url is visible to every user of this machine in the process list; set \(variable) or use --password-file instead.\n".utf8))
        }
        return try url(text: text)
    }

    /// `text` as a URL, its password from the password file when it has none.
    func url(text: String) throws -> DatabaseURL {
        var url = try DatabaseURL(parsing: text)
        if url.password == nil, let path = passwordFile ?? ProcessInfo.processInfo.environment["PGPASSFILE"], !path.isEmpty {
            url = try PasswordFile(path: path).applied(to: url)
        }
        return url
    }

    func logger() -> Logger {
        ProcessLogging.bootstrap(label: "chitra", level: logLevel, format: logFormat.flatMap(ProcessLogging.Format.init(rawValue:)))
    }

    func validate() throws {
        if let logFormat, ProcessLogging.Format(rawValue: logFormat) == nil { throw ValidationError("--log-format must be text or json.") }
    }

    /// Connects as the owner (migrations, the first admin token) and runs `body` with the pool
    /// running, in a scope of every unit (row-level security binds the owner too).
    func withOwnerDatabase<T: Sendable>(_ body: @Sendable (Database) async throws -> T) async throws -> T {
        try await Database.withRunning(try url(owner: true), scope: .owner, logger: logger(), body)
    }
}

/// The database and the caller's token, for the administrators' commands run beside the database
/// (`units load`, `units loads`: the official lists are read from the server's disk): the token from `CHITRA_TOKEN`, `--token-file` or
/// `CHITRA_TOKEN_FILE`, the person recorded on every action.
struct ConnectionOptions: ParsableArguments {
    @OptionGroup var database: DatabaseOptions

    @Option(name: .customLong("token-file"), help: "A file holding your token (default: the CHITRA_TOKEN environment variable, then the file named by CHITRA_TOKEN_FILE).")
    var tokenFile: String?

    func url(owner: Bool = false) throws -> DatabaseURL { try database.url(owner: owner) }
    func logger() -> Logger { database.logger() }

    func withOwnerDatabase<T: Sendable>(_ body: @Sendable (Database) async throws -> T) async throws -> T {
        try await database.withOwnerDatabase(body)
    }

    /// The caller's token: `CHITRA_TOKEN`, else the file of `--token-file` or `CHITRA_TOKEN_FILE`.
    func token() throws -> String { try ServerOptions.token(file: tokenFile) }

    /// Checks the caller's token and that they may do `action` in `districts` (another district:
    /// "not found", exit 4; a forbidden action: exit 5; no, unknown, expired or revoked token:
    /// exit 6), then runs `body` with a pool whose every connection is scoped to the caller's
    /// districts.
    func withCaller<T: Sendable>(_ action: Action, districts: [String] = [],
                                 _ body: @Sendable (Database, Identity) async throws -> T) async throws -> T {
        let logger = logger()
        let url = try url()
        let token = try token()
        do {
            let identity = try await Database.withRunning(url, maximumConnections: 1, logger: logger) { database in
                try await Migrator(database: database).requireUpToDate()
                return try await Tokens.authenticate(token, database: database)
            }
            if let refusal = AccessError(Access.decide(identity, action, districts: districts)) { throw refusal }
            return try await Database.withRunning(url, scope: identity.scope, logger: logger) { database in
                try await body(database, identity)
            }
        } catch let refusal as AccessError {
            FileHandle.standardError.write(Data("Error: \(refusal)\n".utf8))
            throw ExitCode(Self.exitCode(refusal))
        }
    }

    static func exitCode(_ refusal: AccessError) -> Int32 {
        switch refusal.httpStatus {
        case 404: 4
        case 403: 5
        default: 6
        }
    }
}
