import ChitraLocal
import ChitraStore
import Foundation

/// The figures of one queue benchmark run, as printed and as written to `ops/bench/results/`.
struct QueueBenchmarkResult: Codable {
    typealias Statement = StatementStatistics.Statement

    var jobs: Int
    var workers: Int
    var concurrency: Int
    var claimBatch: Int
    var enqueueSeconds: Double
    var drainSeconds: Double
    var drainWallSeconds: Double
    var backlogLatencyP50: Double
    var backlogLatencyP99: Double
    var idleLatencyP50: Double
    var idleLatencyP99: Double
    var idleJobs: Int
    var workerPeakMemoryBytes: Int
    var workerCPUSeconds: Double
    var statements: [Statement]
    /// With `--national`: how long the units without a backlog waited.
    var unitWaits: QueueStatistics.UnitWaits?
    var machine = MachineState.current
    var date = ISO8601DateFormatter().string(from: Date())

    var enqueueRate: Double { Double(jobs) / max(enqueueSeconds, 1e-9) }
    var drainRate: Double { Double(jobs) / max(drainSeconds, 1e-9) }

    var text: String {
        var lines = [
            "Queue benchmark, \(date), \(machine), PostgreSQL local with synchronous_commit on",
            String(format: "enqueue: %d jobs in %.2f s = %.0f jobs/s (one COPY stream, %d-byte chunks)",
                   jobs, enqueueSeconds, enqueueRate, 1 << 20),
            String(format: "drain:   %d jobs in %.2f s = %.0f jobs/s with %d worker process(es) × %d slots, claims of %d (%.2f s wall incl. start-up)",
                   jobs, drainSeconds, drainRate, workers, concurrency, claimBatch, drainWallSeconds),
            String(format: "enqueue-to-start under backlog: p50 %.0f ms, p99 %.0f ms (queueing behind %d jobs)",
                   backlogLatencyP50 * 1000, backlogLatencyP99 * 1000, jobs),
            String(format: "enqueue-to-start at idle (%d jobs one by one): p50 %.1f ms, p99 %.1f ms",
                   idleJobs, idleLatencyP50 * 1000, idleLatencyP99 * 1000),
            String(format: "worker: peak memory %.0f MB, CPU %.2f s (all workers)", Double(workerPeakMemoryBytes) / 1e6, workerCPUSeconds),
        ]
        if let waits = unitWaits {
            lines.append(String(format: "%d units beside one holding a backlog: first job started p50 %.2f s, p99 %.2f s, max %.2f s after the drain began; last finished p99 %.2f s, max %.2f s; the backlog's last at %.2f s",
                                waits.units, waits.firstStartP50, waits.firstStartP99, waits.firstStartMax, waits.lastFinishP99,
                                waits.lastFinishMax, waits.backlogLastFinish))
        }
        lines.append("database time during the drain, by statement:")
        for statement in statements {
            lines.append(String(format: "  %8.0f ms  %7d calls  %9d rows  %@", statement.totalMilliseconds,
                                statement.calls, statement.rows, String(statement.query.prefix(90))))
        }
        return lines.joined(separator: "\n")
    }

    /// Writes `queue-<date>.json` and appends the text to `queue.md`; returns the paths.
    func write(to folder: String) throws -> [String] {
        try BenchmarkFiles.write(name: "queue", text: text, json: self, to: folder)
    }
}
