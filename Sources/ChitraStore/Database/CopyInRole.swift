import PostgresNIO

/// The role a bulk COPY into a tenant table runs as (migration 30): PostgreSQL refuses `COPY FROM`
/// under row-level security, so for the COPY's length the transaction becomes `chitra_copy_in`,
/// which bypasses the policies but may only insert (no row read, changed or deleted), and whose
/// every statement's rows the database checks against the transaction's verified scope at once.
/// Set for the transaction only (`SET LOCAL`): a rollback to a savepoint before it, or the end of
/// the transaction, ends it too.
enum CopyInRole {
    static let enter: PostgresQuery = "SET LOCAL ROLE chitra_copy_in"
    /// Back to the session's own role.
    static let leave: PostgresQuery = "SET LOCAL ROLE NONE"

    /// Runs `copy` as `chitra_copy_in`, then returns to the session's role.
    static func run<T>(on connection: PostgresConnection, _ copy: () async throws -> T) async throws -> T {
        try await connection.execute(enter, logger: Database.quiet)
        let result = try await copy()
        try await connection.execute(leave, logger: Database.quiet)
        return result
    }
}
