import ArgumentParser
import ChitraStore
import ChitraWorker
import Foundation
import Logging

/// How a command finds the database: `--database-url` or `DATABASE_URL`.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .customLong("database-url"), help: "PostgreSQL URL (default: the DATABASE_URL environment variable). Put no password in it: arguments are visible to every local user; use --password-file or DATABASE_URL.")
    var databaseURL: String?

    @Option(name: .customLong("password-file"), help: "A password file in .pgpass format (default: the PGPASSFILE environment variable), for a URL without a password.")
    var passwordFile: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = ProcessInfo.processInfo.environment["CHITRA_LOG_LEVEL"] ?? "warning"

    func url() throws -> DatabaseURL {
        let environment = ProcessInfo.processInfo.environment
        guard let text = databaseURL ?? environment["DATABASE_URL"], !text.isEmpty else {
            throw ValidationError("DATABASE_URL is not set: run `chitra db start` and export the URL it prints, or pass --database-url.")
        }
        var url = try DatabaseURL(parsing: text)
        if databaseURL != nil, url.password != nil {
            FileHandle.standardError.write(Data("Warning: the password in --database-url is visible to every user of this machine in the process list; set DATABASE_URL or use --password-file instead.\n".utf8))
        }
        if url.password == nil, let path = passwordFile ?? environment["PGPASSFILE"], !path.isEmpty {
            url = try PasswordFile(path: path).applied(to: url)
        }
        return url
    }

    func logger() -> Logger {
        ProcessLogging.bootstrap(label: "chitra", level: logLevel)
    }

    /// Connects, checks that the schema is current and that `districts` are districts (one sentence
    /// naming the known ones otherwise), and runs `body` with the pool running.
    func withDatabase<T: Sendable>(requireMigrated: Bool = true, districts: [String] = [],
                                   _ body: @Sendable (Database) async throws -> T) async throws -> T {
        let logger = logger()
        return try await Database.withRunning(try url(), logger: logger) { database in
            if requireMigrated { try await Migrator(database: database).requireUpToDate() }
            try await DistrictSettings.requireKnown(districts, database: database)
            return try await body(database)
        }
    }
}
