import ChitraCore
import Logging
import NIOCore
import PostgresNIO

/// Bulk enqueue through `COPY jobs FROM STDIN` (text format), streamed in chunks.
enum JobCopy {
    /// Bytes gathered before each write to the server.
    static let chunkBytes = 1 << 20

    static func copy(_ jobs: [NewJob], on connection: PostgresConnection) async throws {
        try await connection.copyFrom(table: "jobs", columns: ["kind", "district_code", "args", "priority", "max_attempts"],
                                      logger: Database.quiet) { writer in
            var bytes: [UInt8] = []
            bytes.reserveCapacity(chunkBytes + 4096)
            // Most jobs of a bulk enqueue share priority and attempts: format that tail once.
            var tailKey: (Int16, Int32)? = nil
            var tail: [UInt8] = []
            for job in jobs {
                CopyFormat.append(job.kind, to: &bytes)
                bytes.append(9)
                CopyFormat.append(job.districtCode, to: &bytes)
                bytes.append(9)
                CopyFormat.append(job.args, to: &bytes)
                if tailKey == nil || tailKey! != (job.priority, job.maxAttempts) {
                    tailKey = (job.priority, job.maxAttempts)
                    tail = Array("\t\(job.priority)\t\(job.maxAttempts)\n".utf8)
                }
                bytes.append(contentsOf: tail)
                if bytes.count >= chunkBytes {
                    try await writer.write(ByteBuffer(bytes: bytes))
                    bytes.removeAll(keepingCapacity: true)
                }
            }
            if !bytes.isEmpty { try await writer.write(ByteBuffer(bytes: bytes)) }
        }
    }
}
