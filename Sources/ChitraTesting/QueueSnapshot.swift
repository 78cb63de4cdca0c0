import ChitraStore
import Foundation

/// What the queue holds, a line per job, for a test's timeout message: which step the run was
/// waiting for, how many attempts it had had, and why the last one failed.
public enum QueueSnapshot {
    public static func describe(_ database: Database, limit: Int = 20) async throws -> String {
        let jobs = try await JobQueue(database: database).list(.init(limit: limit))
        let now = Date()
        return "jobs: " + jobs.map { job in
            var line = "#\(job.id) \(job.kind) \(job.state.rawValue) attempt \(job.attempt)/\(job.maxAttempts)"
            if job.state == .available || job.state == .retryable {
                line += String(format: " runs in %.1f s", job.runAt.timeIntervalSince(now))
            }
            if let error = job.lastError { line += " last error: \(error)" }
            return line
        }.joined(separator: "; ")
    }
}
