import Logging
import NIOPosix
import PostgresNIO

/// Statements that cannot run in a pool's transaction (CREATE DATABASE, DROP DATABASE): one
/// short connection each.
public enum AdminStatement {
    public static func execute(_ sql: String, on url: DatabaseURL, logger: Logger) async throws {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.next(), configuration: try url.connectionConfiguration(),
                id: 1, logger: logger)
        } catch {
            throw StoreError.from(error, context: "connect", url: url)
        }
        do {
            _ = try await connection.send(PostgresQuery(unsafeSQL: sql), logger: logger)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw StoreError.from(error, context: "run an administrative statement", url: url)
        }
    }

    static func checkIdentifier(_ name: String) {
        precondition(!name.isEmpty && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }, "database names are plain identifiers")
    }

    /// Creates database `name` as a copy of `template` (which nobody may be connected to).
    public static func createDatabase(_ name: String, template: String, on url: DatabaseURL, logger: Logger) async throws {
        checkIdentifier(name)
        checkIdentifier(template)
        try await execute("CREATE DATABASE \(name) TEMPLATE \(template)", on: url, logger: logger)
    }

    /// Drops database `name` if it exists, ending the sessions connected to it.
    public static func dropDatabase(_ name: String, on url: DatabaseURL, logger: Logger) async throws {
        checkIdentifier(name)
        try await execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", on: url, logger: logger)
    }

    /// Lets `role` log in with `password` (a superuser's or CREATEROLE's statement).
    public static func setPassword(_ password: String, of role: String, on url: DatabaseURL, logger: Logger) async throws {
        checkIdentifier(role)
        let quoted = password.replacingOccurrences(of: "'", with: "''")
        try await execute("ALTER ROLE \(role) LOGIN PASSWORD '\(quoted)'", on: url, logger: logger)
    }

    /// Creates database `name` (letters, digits, underscores) if it does not exist yet.
    public static func createDatabase(_ name: String, on url: DatabaseURL, logger: Logger) async throws {
        checkIdentifier(name)
        do {
            try await execute("CREATE DATABASE \(name)", on: url, logger: logger)
        } catch StoreError.query(sqlState: SQLState.duplicateDatabase, _, _) {
            // Already there.
        }
    }
}
