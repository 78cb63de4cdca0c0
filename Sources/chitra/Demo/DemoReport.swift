import ChitraCore
import ChitraStore
import Foundation
import PostgresNIO

/// What the demo prints at the end: per district, the drain rate and latency, and the failures.
enum DemoReport {
    static func print(database: Database, workload: DemoWorkload) async throws {
        var table = TextTable("DISTRICT", "COMPLETED", "DISCARDED", "ATTEMPTS")
        for row in try await QueueStatistics.byDistrict(database) {
            table.add(row.district, "\(row.completed)", "\(row.discarded)", "\(row.attempts)")
        }
        Swift.print(table.rendered)
        let drain = try await QueueStatistics.drain(database)
        Swift.print(String(format: "• drained %d jobs in %.2f s: %.0f jobs/s; enqueue-to-start p50 %.0f ms, p99 %.0f ms (a backlog drains, so this is mostly queueing)",
                           workload.total, drain.seconds, Double(workload.total) / max(drain.seconds, 1e-9), drain.p50 * 1000, drain.p99 * 1000))
        Swift.print("• exactly-once canaries: \(try await QueueStatistics.probeReceipts(database)) of \(workload.records) recorded once each")
        for (error, count, attempts) in try await QueueStatistics.discarded(database) {
            Swift.print("• discarded after \(attempts) attempts: \(count) job(s): \(error ?? "no error")")
        }
    }

    static func printRuns(database: Database, period: Period) async throws {
        var table = TextTable("DISTRICT", "RUN", "STATE", "BENEFICIARIES", "DISBURSEMENTS", "TOTAL")
        for run in try await RunStatus.list(period: period, districts: nil, database: database).sorted(by: { $0.district < $1.district }) {
            table.add(run.district, "\(run.runID)", run.state.rawValue, run.members.map(String.init) ?? "-", "\(run.disbursements)",
                      Money(dong: run.disbursedVND).description)
        }
        Swift.print("• the run of \(period):")
        Swift.print(table.rendered)
        Swift.print("• approved runs enqueued their submit step: cash goes on the post office's list (cash_instructed); bank and wallet wait in approved for their rails")
    }
}
