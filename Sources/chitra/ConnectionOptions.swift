import ArgumentParser
import ChitraStore
import ChitraWorker
import Foundation
import Logging

/// How a command finds the database: `--database-url` or `DATABASE_URL`.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .customLong("database-url"), help: "PostgreSQL URL (default: the DATABASE_URL environment variable).")
    var databaseURL: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = ProcessInfo.processInfo.environment["CHITRA_LOG_LEVEL"] ?? "warning"

    func url() throws -> DatabaseURL {
        guard let text = databaseURL ?? ProcessInfo.processInfo.environment["DATABASE_URL"], !text.isEmpty else {
            throw ValidationError("DATABASE_URL is not set: run `chitra db start` and export the URL it prints, or pass --database-url.")
        }
        return try DatabaseURL(parsing: text)
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
