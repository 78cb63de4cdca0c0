import NIOCore
import PostgresNIO

/// `COPY table (columns) FROM STDIN` of rows encoded by the caller in COPY's text format
/// (`CopyFormat`), sent in chunks of about a megabyte: the one way bulk rows go to the server.
enum CopyRows {
    /// Bytes gathered before each write to the server.
    static let chunkBytes = 1 << 20

    static func copy<Rows: Sequence>(_ rows: Rows, into table: String, columns: [String], on connection: PostgresConnection,
                                     encode: (Rows.Element, inout [UInt8]) -> Void) async throws {
        try await connection.copyFrom(table: table, columns: columns, logger: Database.quiet) { writer in
            var bytes: [UInt8] = []
            bytes.reserveCapacity(chunkBytes + 4096)
            for row in rows {
                encode(row, &bytes)
                if bytes.count >= chunkBytes {
                    try await writer.write(ByteBuffer(bytes: bytes))
                    bytes.removeAll(keepingCapacity: true)
                }
            }
            if !bytes.isEmpty { try await writer.write(ByteBuffer(bytes: bytes)) }
        }
    }
}
