import ArgumentParser
import ChitraStore

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Apply missing database migrations, as the owner of the tables (CHITRA_OWNER_DATABASE_URL or --database-url).")

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "A folder of NNNN_name.sql files (default: the migrations shipped with Chitra).")
    var migrations: String?

    func run() async throws {
        let folder = migrations
        let applied = try await connection.withOwnerDatabase { database in
            try await Migrator(database: database, folder: folder).migrate()
        }
        if applied.isEmpty {
            print("The database is up to date; nothing to apply.")
        } else {
            for migration in applied { print("applied \(migration.version) \(migration.name)") }
            print("Applied \(applied.count) migration\(applied.count == 1 ? "" : "s").")
        }
    }
}
