import ChitraCore
import ChitraStore
import Foundation
import PostgresNIO

/// What the demo prints at the end: per district, the drain rate and latency, and the failures.
enum DemoReport {
    static func print(database: Database, workload: DemoWorkload) async throws {
        var table = TextTable("DISTRICT", "COMPLETED", "DISCARDED", "ATTEMPTS")
        let rows = try await database.client.query("""
            SELECT district_code, count(*) FILTER (WHERE state = 'completed'), count(*) FILTER (WHERE state = 'discarded'),
                   sum(attempt) FROM jobs GROUP BY district_code ORDER BY district_code
            """)
        for try await (district, completed, discarded, attempts) in rows.decode((String, Int64, Int64, Int64).self) {
            table.add(district, "\(completed)", "\(discarded)", "\(attempts)")
        }
        Swift.print(table.rendered)

        let stats = try await database.client.query("""
            SELECT extract(epoch FROM max(finalized_at) - min(attempted_at))::float8,
                   (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM attempted_at - created_at)))::float8,
                   (percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM attempted_at - created_at)))::float8
            FROM jobs WHERE state = 'completed'
            """)
        for try await (span, p50, p99) in stats.decode((Double?, Double?, Double?).self) {
            let seconds = span ?? 0
            Swift.print(String(format: "• drained %d jobs in %.2f s: %.0f jobs/s; enqueue-to-start p50 %.0f ms, p99 %.0f ms (a backlog drains, so this is mostly queueing)",
                               workload.total, seconds, Double(workload.total) / max(seconds, 1e-9), (p50 ?? 0) * 1000, (p99 ?? 0) * 1000))
        }
        let receipts = try await database.client.query("SELECT count(*) FROM job_probe_receipts")
        for try await count in receipts.decode(Int64.self) {
            Swift.print("• exactly-once canaries: \(count) of \(workload.records) recorded once each")
        }
        let failed = try await database.client.query("""
            SELECT last_error, count(*), max(attempt) FROM jobs WHERE state = 'discarded' GROUP BY last_error
            """)
        for try await (error, count, attempts) in failed.decode((String?, Int64, Int32).self) {
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
        Swift.print("• approved runs enqueued their submit step; until the transfer rails are built, their disbursements wait in approved")
    }
}
