import ChitraCore
import Logging
import PostgresNIO

/// Bulk enqueue through `COPY jobs FROM STDIN` (text format), streamed in chunks.
enum JobCopy {
    static func copy(_ jobs: [NewJob], on connection: PostgresConnection) async throws {
        // Most jobs of a bulk enqueue share priority and attempts: format that tail once.
        var tailKey: (Int16, Int32)? = nil
        var tail: [UInt8] = []
        try await CopyRows.copy(jobs, into: "jobs", columns: ["kind", "unit_code", "args", "priority", "max_attempts"],
                                on: connection) { job, bytes in
            CopyFormat.append(job.kind.rawValue, to: &bytes)
            bytes.append(9)
            CopyFormat.append(job.districtCode, to: &bytes)
            bytes.append(9)
            CopyFormat.append(job.args, to: &bytes)
            if tailKey == nil || tailKey! != (job.priority, job.maxAttempts) {
                tailKey = (job.priority, job.maxAttempts)
                tail = Array("\t\(job.priority)\t\(job.maxAttempts)\n".utf8)
            }
            bytes.append(contentsOf: tail)
        }
    }
}
