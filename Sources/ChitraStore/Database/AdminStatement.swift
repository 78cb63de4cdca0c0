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

    /// A checkpoint, by the cluster's superuser at `url`: what a bulk load wrote is on disk and its
    /// WAL segments are recycled for what follows, as on a server some time after the load.
    public static func checkpoint(on url: DatabaseURL, logger: Logger) async throws {
        try await execute("CHECKPOINT", on: url, logger: logger)
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

    /// Chitra's roles on a cluster, made by a superuser (`url`): `chitra_owner`, not a superuser, who
    /// may create databases, end sessions, read statements' statistics, grant the application's
    /// roles and name the scope's settings in its functions (so that it migrates without being a
    /// superuser); `chitra_api` and `chitra_worker`, who log in with their passwords; and the roles
    /// nobody logs in as, `chitra_app` and `chitra_queue` (migrations 11 and 27 grant them), and
    /// `chitra_copy_in`, which bulk COPYs run as (migration 30: INSERT only, the tenant checked per
    /// statement), granted here once for the cluster.
    public static func ensureRoles(ownerPassword: String, apiPassword: String, workerPassword: String,
                                   on url: DatabaseURL, logger: Logger) async throws {
        func quoted(_ password: String) -> String { password.replacingOccurrences(of: "'", with: "''") }
        try await execute("""
            DO $$ BEGIN
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'chitra_app') THEN CREATE ROLE chitra_app NOLOGIN; END IF;
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'chitra_queue') THEN CREATE ROLE chitra_queue NOLOGIN BYPASSRLS; END IF;
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'chitra_owner') THEN CREATE ROLE chitra_owner; END IF;
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'chitra_api') THEN CREATE ROLE chitra_api; END IF;
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'chitra_worker') THEN CREATE ROLE chitra_worker; END IF;
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'chitra_copy_in') THEN CREATE ROLE chitra_copy_in NOLOGIN BYPASSRLS; END IF;
                ALTER ROLE chitra_app NOLOGIN;
                ALTER ROLE chitra_copy_in NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE BYPASSRLS;
                ALTER ROLE chitra_owner LOGIN NOSUPERUSER CREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD '\(quoted(ownerPassword))';
                ALTER ROLE chitra_api LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD '\(quoted(apiPassword))';
                ALTER ROLE chitra_worker LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD '\(quoted(workerPassword))';
                GRANT chitra_app, chitra_queue, chitra_api, chitra_worker, chitra_copy_in TO chitra_owner WITH ADMIN OPTION;
                GRANT chitra_copy_in TO chitra_api, chitra_worker;
                GRANT pg_signal_backend, pg_read_all_stats TO chitra_owner;
                -- Functions that set the scope's settings for themselves (SECURITY DEFINER … SET chitra.global)
                -- are made by the owner: a non-superuser may name a custom setting there only if granted.
                GRANT SET ON PARAMETER chitra.global, chitra.every_unit, chitra.districts, chitra.credential TO chitra_owner;
            END $$
            """, on: url, logger: logger)
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
