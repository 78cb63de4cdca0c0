import Logging
import PostgresNIO

/// Applies missing migrations in order, each in its own transaction and recorded in
/// `schema_migrations`, under a session advisory lock so that two processes migrating at once
/// take turns. Applying again changes nothing.
public struct Migrator: Sendable {
    public let database: Database
    public let migrations: [Migration]

    /// The advisory-lock key that serialises migrators (any fixed number unique to Chitra).
    static let lockKey: Int64 = 0x0C41_7241_0001

    public init(database: Database, migrations: [Migration]) {
        self.database = database
        self.migrations = migrations
    }

    /// Uses the migrations in `folder`, or those shipped with Chitra.
    public init(database: Database, folder: String? = nil) throws(StoreError) {
        guard let folder = folder ?? Migration.bundledFolder else { throw .migrationFolderMissing(path: "(bundled)") }
        self.init(database: database, migrations: try Migration.load(from: folder))
    }

    /// Applies what is missing; returns the migrations it applied (empty when up to date).
    @discardableResult
    public func migrate() async throws -> [Migration] {
        let logger = database.logger
        let url = database.url
        let migrations = self.migrations
        do {
            return try await database.client.withConnection { connection in
                try await connection.execute("SELECT pg_advisory_lock(\(Self.lockKey))", logger: logger)
                do {
                    let applied = try await Self.appliedVersions(connection, logger: logger)
                    var done: [Migration] = []
                    for migration in migrations where !applied.contains(migration.version) {
                        try await Self.apply(migration, on: connection, logger: logger)
                        logger.info("applied migration", metadata: ["chitra.migration": "\(migration.version)_\(migration.name)"])
                        done.append(migration)
                    }
                    try await connection.execute("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                    return done
                } catch {
                    _ = try? await connection.send("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                    throw error
                }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.from(error, context: "apply migrations", url: url)
        }
    }

    /// Versions recorded as applied; creates the record table on first use.
    public func appliedVersions() async throws -> Set<Int> {
        let logger = database.logger
        return try await database.client.withConnection { try await Self.appliedVersions($0, logger: logger) }
    }

    /// Throws `migrationsMissing` unless every known migration is applied. Reads only: the
    /// application's role may not create the record table.
    public func requireUpToDate() async throws {
        var applied = Set<Int>()
        do {
            for try await version in try await database.query("SELECT version FROM schema_migrations", "read the applied migrations")
                .decode(Int.self) { applied.insert(version) }
        } catch StoreError.query(sqlState: SQLState.undefinedTable, _, _) {
            // No record table: nothing applied.
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.from(error, context: "read the applied migrations", url: database.url)
        }
        let known = Set(migrations.map(\.version))
        guard known.isSubset(of: applied) else {
            throw StoreError.migrationsMissing(applied: applied.intersection(known).count, known: known.count)
        }
    }

    static func appliedVersions(_ connection: PostgresConnection, logger: Logger) async throws -> Set<Int> {
        try await connection.execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
            """, logger: logger)
        var versions = Set<Int>()
        for try await version in try await connection.send("SELECT version FROM schema_migrations", logger: logger).decode(Int.self) {
            versions.insert(version)
        }
        return versions
    }

    /// One migration and its record in one transaction: applied whole or not at all.
    static func apply(_ migration: Migration, on connection: PostgresConnection, logger: Logger) async throws {
        do {
            try await connection.guardedTransaction(logger: logger) { connection in
                switch migration.body {
                case .sql(let sql):
                    for statement in SQLScript.statements(sql) {
                        try await connection.execute(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                case .unitLists(let folder):
                    let files = try UnitCatalogueFiles.read(folder: folder)
                    for warning in files.catalogue.warnings {
                        logger.notice("unit lists corrected", metadata: ["chitra.migration": "\(migration.version)", "chitra.warning": "\(warning)"])
                    }
                    // The catalogue's tables bind their owner too: the load is a global change.
                    try await connection.execute("SELECT set_config('chitra.global', 'on', true)", logger: logger)
                    try await UnitCatalogueStore.load(files, by: "migration \(migration.version)_\(migration.name)", on: connection)
                }
                try await connection.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                    logger: logger)
            }
        } catch let error as TransactionFailure {
            let cause = error.cause
            let message = (cause as? PSQLError).flatMap { $0.serverInfo?[.message] } ?? cause.map { "\($0)" } ?? "unknown error"
            throw StoreError.migrationFailed(version: migration.version, name: migration.name, reason: message)
        }
    }
}
