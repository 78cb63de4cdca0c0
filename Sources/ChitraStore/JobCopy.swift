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
            var buffer = ByteBufferAllocator().buffer(capacity: chunkBytes + 4096)
            // Most jobs of a bulk enqueue share priority and attempts: format that tail once.
            var tailKey: (Int16, Int32)? = nil
            var tail = ""
            for job in jobs {
                CopyText.append(job.kind, to: &buffer)
                buffer.writeInteger(UInt8(ascii: "\t"))
                CopyText.append(job.districtCode, to: &buffer)
                buffer.writeInteger(UInt8(ascii: "\t"))
                CopyText.append(job.args, to: &buffer)
                if tailKey == nil || tailKey! != (job.priority, job.maxAttempts) {
                    tailKey = (job.priority, job.maxAttempts)
                    tail = "\t\(job.priority)\t\(job.maxAttempts)\n"
                }
                buffer.writeString(tail)
                if buffer.readableBytes >= chunkBytes {
                    try await writer.write(buffer)
                    buffer.clear()
                }
            }
            if buffer.readableBytes > 0 { try await writer.write(buffer) }
        }
    }
}
