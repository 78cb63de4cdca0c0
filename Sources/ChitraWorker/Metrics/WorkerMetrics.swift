import ChitraStore
import Metrics

/// What a worker counts, through swift-metrics (exported by `ProcessMetrics`): jobs claimed,
/// retried, finished by outcome, their duration, and jobs rescued from dead workers, by kind. Few
/// labels: the job kinds are Chitra's own handful; never a district or a person.
enum WorkerMetrics {
    static func claimed(_ jobs: [ClaimedJob]) {
        for (kind, group) in Dictionary(grouping: jobs, by: \.kind) {
            Counter(label: "chitra_jobs_claimed_total", dimensions: [("kind", kind.rawValue)]).increment(by: group.count)
            let retries = group.filter { $0.attempt > 1 }.count
            if retries > 0 { Counter(label: "chitra_jobs_retried_total", dimensions: [("kind", kind.rawValue)]).increment(by: retries) }
        }
    }

    /// `outcome`: completed, failed, snoozed, cancelled, discarded.
    static func finished(_ job: ClaimedJob, outcome: String, duration: Duration) {
        Counter(label: "chitra_jobs_finished_total", dimensions: [("kind", job.kind.rawValue), ("outcome", outcome)]).increment()
        Timer(label: "chitra_job_duration_seconds", dimensions: [("kind", job.kind.rawValue)], preferredDisplayUnit: .seconds).record(duration: duration)
    }

    static func rescued(_ count: Int) {
        guard count > 0 else { return }
        Counter(label: "chitra_jobs_rescued_total").increment(by: count)
    }

    /// Handlers that ran past the job timeout (their leases left to expire).
    static func stuck(_ count: Int) {
        Counter(label: "chitra_jobs_stuck_total").increment(by: count)
    }

    static func outcome(_ result: JobOutcome.Result?) -> String {
        switch result {
        case nil, .completed: "completed"
        case .failed: "failed"
        case .snoozed: "snoozed"
        case .cancelled: "cancelled"
        case .discarded: "discarded"
        }
    }
}
