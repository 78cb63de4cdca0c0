import NIOCore
import PostgresNIO

/// `COPY table (columns) FROM STDIN` of rows encoded by the caller in COPY's text format
/// (`CopyFormat`): the queue's bulk enqueue. A worker's shards are written with `unnest` inserts
/// instead (`RunShardWriter`), the register's import with its own COPY (`RegisterImporter`, as
/// `CopyInRole`).
///
/// PostgresNIO 1.33 stops the whole process (a `preconditionFailure`, "Copy mode is only supported
/// for extended queries") when the server closes the connection between its CopyInResponse and
/// the end of the copy: seen when PostgreSQL restarted while a worker wrote a shard by COPY
/// (ops/runbooks/04; 2 of 16 workers), which is why shards no longer go this way. The rows are
/// encoded first and sent in one write, which keeps that window short here; a closed connection
/// is refused before.
///
/// PostgreSQL refuses COPY FROM into a table under row-level security (every tenant table), so the
/// rows go into a temporary table of the same columns first (the session's own, no policy), then
/// into the table with one `INSERT … SELECT`, which the policies check like any insert.
enum CopyRows {
    static func copy<Rows: Sequence>(_ rows: Rows, into table: String, columns: [String], on connection: PostgresConnection,
                                     encode: (Rows.Element, inout [UInt8]) -> Void) async throws {
        var bytes: [UInt8] = []
        for row in rows { encode(row, &bytes) }
        guard !bytes.isEmpty else { return }
        let buffer = ByteBuffer(bytes: bytes)
        try await throughStaging(into: table, columns: columns, on: connection) { staging in
            // PostgresNIO never answers a COPY sent on a closed connection (ClosedConnectionGuard).
            guard !connection.isClosed else { throw StoreError.connectionClosed }
            try await connection.copyFrom(table: staging, columns: columns, logger: Database.quiet) { writer in
                // Checked again here, after the server's CopyInResponse: a server that went away
                // during that round trip would otherwise meet the write (see above).
                guard !connection.isClosed else { throw StoreError.connectionClosed }
                try await writer.write(buffer)
            }
        }
    }

    /// Runs `copy` into an empty temporary twin of `table` (its `columns` only, typed alike), then
    /// moves what it holds into `table`. The twin lives as long as the connection and is emptied
    /// after each use; a rolled-back transaction takes its rows with it.
    static func throughStaging<T>(into table: String, columns: [String], on connection: PostgresConnection,
                                  _ copy: (String) async throws -> T) async throws -> T {
        precondition((columns + [table]).allSatisfy { $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } },
                     "table and column names are plain identifiers")
        let staging = "copy_" + table
        let list = columns.joined(separator: ", ")
        try await connection.execute(PostgresQuery(unsafeSQL:
            "CREATE TEMP TABLE IF NOT EXISTS \(staging) AS SELECT \(list) FROM \(table) WITH NO DATA"), logger: Database.quiet)
        let result = try await copy(staging)
        try await connection.execute(PostgresQuery(unsafeSQL: "INSERT INTO \(table) (\(list)) SELECT \(list) FROM \(staging)"),
                                   logger: Database.quiet)
        try await connection.execute(PostgresQuery(unsafeSQL: "TRUNCATE \(staging)"), logger: Database.quiet)
        return result
    }
}
