import ChitraStore
import Metrics
import Prometheus

/// Metrics of a Chitra process in Prometheus's text format: what swift-metrics recorded (jobs,
/// rails), and figures sampled from the database when scraped (the queue by kind; with the
/// application's scope, disbursements by state and the progress of open runs).
public enum ProcessMetrics {
    public static let registry = PrometheusCollectorRegistry()
    /// swift-metrics may be bootstrapped once per process.
    private static let once: Void = MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

    /// Bootstraps swift-metrics with the Prometheus registry (once per process).
    public static func bootstrap() { _ = once }

    /// The text a scrape answers.
    public static func text() -> String {
        bootstrap()
        return registry.emitToString()
    }

    /// Samples the queue (as the queue's role): jobs by kind and state, the oldest available job's age by kind.
    public static func sampleQueue(_ database: Database) async throws {
        bootstrap()
        let figures = try await MetricsStatistics.queue(database)
        for row in figures {
            Gauge(label: "chitra_queue_jobs", dimensions: [("kind", row.kind), ("state", row.state)]).record(row.count)
            if let age = row.oldestAvailableSeconds {
                Gauge(label: "chitra_queue_oldest_available_seconds", dimensions: [("kind", row.kind)]).record(age)
            }
        }
    }

    /// Samples the open runs (as the application's role, in a scope that sees them): their
    /// disbursements by state and their progress, by district (a province's handful).
    public static func sampleRuns(_ database: Database) async throws {
        bootstrap()
        let figures = try await MetricsStatistics.runs(database)
        for (state, count) in figures.disbursementsByState {
            Gauge(label: "chitra_disbursements", dimensions: [("state", state)]).record(count)
        }
        for run in figures.runs {
            Gauge(label: "chitra_run_members", dimensions: [("district", run.district)]).record(run.members)
            Gauge(label: "chitra_run_members_done", dimensions: [("district", run.district)]).record(run.membersDone)
        }
    }

    /// What the API's `/metrics` answers, sampled from its application pool in a scope of every unit
    /// (the API's role is not the queue's: it counts the jobs as an administrator would): the queue
    /// and the open runs of every unit.
    public static func apiText(_ database: Database) async throws -> String {
        let everyUnit = database.scoped(.everyUnit(global: true))
        try await sampleQueue(everyUnit)
        try await sampleRuns(everyUnit)
        return text()
    }
}
