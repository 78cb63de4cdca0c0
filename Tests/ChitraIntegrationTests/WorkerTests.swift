import ChitraStore
import ChitraTesting
import ChitraWorker
import Foundation
import PostgresNIO
import Synchronization
import Testing

@Suite("Worker", .machine(limit: .minutes(5)))
struct WorkerTests {
    @Test("a worker drains every job of several districts")
    func drains() async throws {
        try await TestPostgres.withDatabase { database in
            let queue = JobQueue(database: database)
            try await queue.enqueue((0..<3_000).map { NewJob(kind: "noop", districtCode: Fixtures.district($0)) })
            try await WorkerHarness.withWorker(database: database, handlers: DiagnosticHandlers.standard,
                                               configure: { $0.concurrency = 100 }) { _ in
                try await eventually("all jobs completed", saw: { "jobs by state \(try await queue.countsByState())" }) {
                    try await queue.countsByState() == [.completed: 3_000]
                }
            }
        }
    }

    @Test("an enqueue wakes an idle worker through LISTEN/NOTIFY, not its poll")
    func notifyWakes() async throws {
        try await TestPostgres.withDatabase { database in
            let queue = JobQueue(database: database)
            let started = Mutex<Set<Int64>>([])
            let handler = ClosureHandler(kind: "ping") { context in
                _ = started.withLock { $0.insert(context.job.id) }
            }
            // Polling every ten minutes, longer than this test may take: only a notification can
            // start these jobs. (How fast it does is ops/bench/queue's wake-up latency.)
            try await WorkerHarness.withWorker(database: database, handlers: [handler],
                                               configure: { $0.pollInterval = .seconds(600) }) { _ in
                for _ in 0..<5 {
                    let id = try await queue.enqueue(NewJob(kind: "ping", districtCode: "954")).id
                    try await eventually("job \(id) started", saw: { try await QueueSnapshot.describe(database) }) {
                        started.withLock { $0.contains(id) }
                    }
                    try await Task.sleep(for: .milliseconds(50)) // idle again
                }
            }
        }
    }

    @Test("a handler that throws is retried with backoff, then discarded with its error")
    func throwingHandler() async throws {
        try await TestPostgres.withDatabase { database in
            let queue = JobQueue(database: database)
            let id = try await queue.enqueue(NewJob(kind: "probe.fail", districtCode: "954", maxAttempts: 3)).id
            try await WorkerHarness.withWorker(database: database, handlers: DiagnosticHandlers.probes) { _ in
                try await eventually("job discarded") { try await queue.show(id: id).state == .discarded }
            }
            let record = try await queue.show(id: id)
            #expect(record.attempt == 3)
            #expect(record.lastError == "probe.fail always fails, as asked")
            #expect(record.leaseOwner == nil)
        }
    }

    @Test("a job of an unknown kind is discarded at once with a sentence naming the kind")
    func unknownKind() async throws {
        try await TestPostgres.withDatabase { database in
            let queue = JobQueue(database: database)
            let id = try await queue.enqueue(NewJob(kind: "no.such.kind", districtCode: "956")).id
            try await WorkerHarness.withWorker(database: database, handlers: DiagnosticHandlers.standard) { worker in
                try await eventually("job discarded") { try await queue.show(id: id).state == .discarded }
                let record = try await queue.show(id: id)
                #expect(record.attempt == 1)
                #expect(record.lastError == "no handler is registered for job kind 'no.such.kind' on worker \(worker.configuration.workerID)")
            }
        }
    }

    @Test("handlers can snooze and cancel their job")
    func snoozeAndCancel() async throws {
        try await TestPostgres.withDatabase { database in
            let queue = JobQueue(database: database)
            let snoozes = ClosureHandler(kind: "snoozer") { _ in throw JobSnooze(for: .seconds(3600)) }
            let cancels = ClosureHandler(kind: "canceller") { _ in throw JobCancel("the run was cancelled") }
            let a = try await queue.enqueue(NewJob(kind: "snoozer", districtCode: "954")).id
            let b = try await queue.enqueue(NewJob(kind: "canceller", districtCode: "954")).id
            try await WorkerHarness.withWorker(database: database, handlers: [snoozes, cancels]) { _ in
                try await eventually("both handled") {
                    let first = try await queue.show(id: a), second = try await queue.show(id: b)
                    return first.state == .available && first.runAt > Date() && second.state == .cancelled
                }
            }
            #expect(try await queue.show(id: a).attempt == 0)
            #expect(try await queue.show(id: b).lastError == "the run was cancelled")
        }
    }

    @Test("a job completed in its handler's transaction commits its effect exactly once")
    func transactionalCompletion() async throws {
        try await TestPostgres.withDatabase { database in
            let queue = JobQueue(database: database)
            try await queue.enqueue((0..<200).map { _ in NewJob(kind: "probe.record", districtCode: "957") })
            try await WorkerHarness.withWorker(database: database, handlers: DiagnosticHandlers.probes,
                                               configure: { $0.concurrency = 8 }) { _ in
                try await eventually("all recorded", saw: { "jobs by state \(try await queue.countsByState())" }) {
                    try await queue.countsByState() == [.completed: 200]
                }
            }
            let rows = try await database.client.query("SELECT count(*) FROM job_probe_receipts")
            for try await count in rows.decode(Int64.self) { #expect(count == 200) }
        }
    }

    @Test("graceful shutdown lets short jobs finish and releases the rest uncounted")
    func gracefulShutdown() async throws {
        // Short jobs (five seconds) end well inside the grace (30 s) even on a loaded machine;
        // long ones (ten minutes) never do.
        try await TestPostgres.withDatabase { database in
            let queue = JobQueue(database: database)
            let short = try await queue.enqueue([
                NewJob(kind: "probe.sleep", districtCode: "954", args: #"{"ms": 5000}"#, priority: 0),
                NewJob(kind: "probe.sleep", districtCode: "954", args: #"{"ms": 5000}"#, priority: 0),
            ])
            #expect(short == 2)
            try await queue.enqueue([
                NewJob(kind: "probe.sleep", districtCode: "954", args: #"{"ms": 600000}"#, priority: 1),
                NewJob(kind: "probe.sleep", districtCode: "954", args: #"{"ms": 600000}"#, priority: 1),
            ])
            try await WorkerHarness.withWorker(database: database, handlers: DiagnosticHandlers.probes, configure: {
                $0.concurrency = 4
                $0.shutdownGrace = .seconds(30)
            }) { _ in
                try await eventually("four jobs running") { try await queue.countsByState() == [.running: 4] }
                // Queued after the slots filled: must stay untouched.
                try await queue.enqueue((0..<5).map { _ in NewJob(kind: "noop", districtCode: "954") })
            }
            let jobs = try await queue.list(.init(kind: "probe.sleep"))
            let completed = jobs.filter { $0.state == .completed }
            let released = jobs.filter { $0.state == .available }
            #expect(completed.count == 2)
            #expect(released.count == 2)
            #expect(released.allSatisfy { $0.attempt == 0 && $0.leaseOwner == nil })
            #expect(try await queue.list(.init(kind: "noop", state: .available)).count == 5)
        }
    }

    @Test("a handler stuck past the job timeout loses its lease: the rescuer gives the job to a worker again, and it completes")
    func stuckJobIsRescued() async throws {
        try await TestPostgres.withDatabase { database in
            let queue = JobQueue(database: database)
            // Stuck on its first attempt until the worker stops (an hour: only a rescue can complete
            // the job while the test runs), quick on any later one.
            struct StuckOnce: JobHandler {
                let kind: JobKind = "stuck.once"
                func run(_ context: JobContext) async throws {
                    if context.job.attempt == 1 { try await Task.sleep(for: .seconds(3_600)) }
                }
            }
            let id = try await queue.enqueue(NewJob(kind: "stuck.once", districtCode: "954")).id
            var maintenance = MaintenanceConfiguration()
            maintenance.interval = .milliseconds(200)
            try await WorkerHarness.withWorker(database: database, handlers: [StuckOnce()], configure: {
                $0.lease = .seconds(2)
                $0.heartbeatInterval = .milliseconds(500)
                $0.jobTimeout = .seconds(3)
                $0.shutdownGrace = .seconds(1)
            }, maintenance: maintenance) { _ in
                // Completed by a later attempt while the first still sleeps.
                try await eventually("rescued and done again", saw: { "\(try await queue.show(id: id))" }) {
                    let job = try await queue.show(id: id)
                    return job.state == .completed && job.attempt >= 2
                }
            }
        }
    }

    @Test("a worker refuses an invalid configuration with a sentence")
    func badConfiguration() throws {
        var configuration = WorkerConfiguration(workerID: "w")
        configuration.concurrency = 0
        #expect(throws: WorkerError.badConfiguration("concurrency must be at least 1")) { try configuration.validate() }
        configuration.concurrency = 1
        configuration.heartbeatInterval = .seconds(60)
        #expect(throws: WorkerError.self) { try configuration.validate() }
        configuration.heartbeatInterval = .seconds(10)
        configuration.jobTimeout = .seconds(5)
        #expect(throws: WorkerError.badConfiguration("the job timeout must be longer than the lease")) { try configuration.validate() }
    }
}
