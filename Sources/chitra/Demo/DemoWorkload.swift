import ChitraStore
import Foundation

/// The demonstration workload: no-op jobs spread over the districts, exactly-once canaries, jobs
/// that always fail, and a duplicate enqueue refused by its unique key.
struct DemoWorkload {
    var noops: Int
    var records: Int
    var failures: Int
    var enqueueSeconds: Double
    var duplicateRefused: Bool

    var total: Int { noops + records + failures }

    /// The kinds of job the workload enqueues.
    static let kinds = ["noop", "probe.record", "probe.fail"]

    var summary: String {
        String(format: "• enqueued %d jobs in %.2f s (%.0f jobs/s): %d no-op, %d exactly-once canaries, %d that always fail; a duplicate unique key was %@",
               total, enqueueSeconds, Double(total) / max(enqueueSeconds, 1e-9), noops, records, failures,
               duplicateRefused ? "refused" : "NOT refused")
    }

    static func enqueue(_ count: Int, districts: [String], queue: JobQueue) async throws -> DemoWorkload {
        var jobs = (0..<count).map { NewJob(kind: "noop", districtCode: districts[$0 % districts.count]) }
        for district in districts {
            jobs += (0..<100).map { _ in NewJob(kind: "probe.record", districtCode: district) }
            jobs.append(NewJob(kind: "probe.fail", districtCode: district, maxAttempts: 3))
        }
        let clock = ContinuousClock()
        let start = clock.now
        let inserted = try await queue.enqueue(jobs)
        let elapsed = (clock.now - start).seconds
        let unique = NewJob(kind: "noop", districtCode: districts[0], uniqueKey: "demo:once")
        let first = try await queue.enqueue(unique)
        let second = try await queue.enqueue(unique)
        return DemoWorkload(noops: count + (first.inserted ? 1 : 0), records: districts.count * 100, failures: districts.count,
                            enqueueSeconds: elapsed, duplicateRefused: first.inserted && !second.inserted && inserted == jobs.count)
    }
}
