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
                appendEscaped(job.kind, to: &buffer)
                buffer.writeInteger(UInt8(ascii: "\t"))
                appendEscaped(job.districtCode, to: &buffer)
                buffer.writeInteger(UInt8(ascii: "\t"))
                appendEscaped(job.args, to: &buffer)
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

    /// COPY text format: backslash, tab, newline and carriage return are escaped.
    static func appendEscaped(_ text: String, to buffer: inout ByteBuffer) {
        var needsEscape = false
        for byte in text.utf8 where byte == UInt8(ascii: "\\") || byte == 9 || byte == 10 || byte == 13 {
            needsEscape = true
            break
        }
        guard needsEscape else {
            buffer.writeString(text)
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
            case 9: buffer.writeStaticString("\\t")
            case 10: buffer.writeStaticString("\\n")
            case 13: buffer.writeStaticString("\\r")
            default: buffer.writeInteger(byte)
            }
        }
    }
}
