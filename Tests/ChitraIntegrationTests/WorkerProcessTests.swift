import ChitraLocal
import ChitraStore
import ChitraTesting
import ChitraWorker
import Foundation
import PostgresNIO
import Testing

/// Real worker processes, killed for real.
@Suite("Worker processes", .serialized, .machine(limit: .minutes(5)))
struct WorkerProcessTests {
    @Test("4 workers drain 20,000 jobs exactly once while one is killed with SIGKILL")
    func exactlyOnceUnderSIGKILL() async throws {
        try await TestPostgres.withNewDatabase { url in
            try await TestPostgres.withRunning(url) { database in
                let queue = JobQueue(database: database)
                try await queue.enqueue((0..<20_000).map { NewJob(kind: "probe.record", districtCode: Fixtures.district($0)) })

                let workers = try (0..<4).map { _ in try WorkerProcesses.spawn(url: url, arguments: ["--concurrency", "16"]) }
                let victim = workers[0]
                try await eventually(timeout: .seconds(120), "a quarter of the jobs recorded") {
                    try await Self.count("SELECT count(*) FROM job_probe_receipts", database) >= 5_000
                }
                let heldByVictim = try await Self.count(
                    "SELECT count(*) FROM jobs WHERE state = 'running' AND lease_owner LIKE '%-\(victim.pid)-%'", database)
                victim.signal(SIGKILL)
                #expect(await victim.waitForExit() != 0)

                try await eventually(timeout: .seconds(180), "every job completed") {
                    try await queue.countsByState() == [.completed: 20_000]
                }
                for worker in workers.dropFirst() { worker.signal(SIGTERM) }
                for worker in workers.dropFirst() { #expect(await worker.waitForExit() == 0) }

                #expect(try await Self.count("SELECT count(*) FROM job_probe_receipts", database) == 20_000)
                #expect(try await Self.count("SELECT count(*) FROM jobs j JOIN job_probe_receipts r ON r.job_id = j.id", database) == 20_000)
                // The rescuer returned the killed worker's jobs, and others finished them.
                let rescued = try await Self.count(
                    "SELECT count(*) FROM jobs WHERE errors::text LIKE '%-\(victim.pid)-% stopped renewing its lease%'", database)
                #expect(heldByVictim > 0)
                #expect(rescued > 0)
                #expect(try await Self.count(
                    "SELECT count(*) FROM job_probe_receipts WHERE worker LIKE '%-\(victim.pid)-%' AND job_id IN (SELECT id FROM jobs WHERE attempt > 1)",
                    database) == 0)
            }
        }
    }

    @Test("a handler that crashes its process leaves no stuck job: the rescuer discards it with a sentence")
    func crashingHandler() async throws {
        try await TestPostgres.withNewDatabase { url in
            try await TestPostgres.withRunning(url) { database in
                let queue = JobQueue(database: database)
                let id = try await queue.enqueue(NewJob(kind: "probe.crash", districtCode: "958", maxAttempts: 1)).id
                let doomed = try WorkerProcesses.spawn(url: url, arguments: ["--no-maintenance"])
                #expect(await doomed.waitForExit() != 0)
                #expect(try await queue.show(id: id).state == .running)
                // Another process's rescuer finds the expired lease.
                let survivor = try WorkerProcesses.spawn(url: url)
                try await eventually("the crashed job discarded") {
                    try await queue.show(id: id).state == .discarded
                }
                survivor.signal(SIGTERM)
                #expect(await survivor.waitForExit() == 0)
                let record = try await queue.show(id: id)
                #expect(record.lastError?.contains("-\(doomed.pid)-") == true)
                #expect(record.lastError?.hasSuffix("stopped renewing its lease (it died or lost the database)") == true)
            }
        }
    }

    @Test("SIGTERM stops a worker gracefully: running jobs finish, nothing stays running")
    func sigterm() async throws {
        try await TestPostgres.withNewDatabase { url in
            try await TestPostgres.withRunning(url) { database in
                let queue = JobQueue(database: database)
                try await queue.enqueue((0..<4).map { _ in NewJob(kind: "probe.sleep", districtCode: "954", args: #"{"ms": 500}"#) })
                let worker = try WorkerProcesses.spawn(url: url, arguments: ["--concurrency", "4", "--grace-seconds", "10"])
                try await eventually("jobs running") { try await queue.countsByState()[.running] == 4 }
                worker.signal(SIGTERM)
                #expect(await worker.waitForExit() == 0)
                #expect(try await queue.countsByState() == [.completed: 4])
            }
        }
    }

    @Test("a part of the process whose stop never finishes: the worker still drains (nothing left running) and the process exits with status 70 after the grace and 30 s")
    func stopDeadline() async throws {
        try await TestPostgres.withNewDatabase { url in
            try await TestPostgres.withRunning(url) { database in
                let queue = JobQueue(database: database)
                let started = try await queue.enqueue(NewJob(kind: "probe.sleep", districtCode: "954", args: #"{"ms": 10}"#)).id
                let worker = try WorkerProcesses.spawn(url: url, arguments: ["--hold-stop", "--grace-seconds", "1"])
                try await eventually("the worker runs jobs") { try await queue.show(id: started).state == .completed }
                // Running at SIGTERM: past the grace the worker cancels it and hands it back uncounted.
                let held = try await queue.enqueue(NewJob(kind: "probe.sleep", districtCode: "954", args: #"{"ms": 600000}"#)).id
                try await eventually("the long job running") { try await queue.show(id: held).state == .running }
                worker.signal(SIGTERM)
                #expect(await worker.waitForExit() == 70)
                let record = try await queue.show(id: held)
                #expect(record.state == .available && record.attempt == 0 && record.leaseOwner == nil, "\(record)")
            }
        }
    }

    @Test("bad configuration gives one sentence and a non-zero exit", arguments: [
        ("postgres://chitra@127.0.0.1:1/chitra", "Error: Cannot reach PostgreSQL at 127.0.0.1:1: connection refused (is the server running and the port right?)."),
        ("mysql://x/y", "Error: DATABASE_URL is not a valid PostgreSQL URL: it must look like postgres://user:password@host:5432/database."),
    ])
    func badDatabaseURL(url: String, message: String) async throws {
        let (status, output) = try await WorkerProcesses.runToExit(environment: ["DATABASE_URL": url].merging(TestPostgres.workerEnvironment) { $1 })
        #expect(status != 0)
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == message)
    }

    @Test("a worker without its service credential, or with one of another form, says so in one sentence and claims nothing")
    func noCredential() async throws {
        try await TestPostgres.withNewDatabase { url in
            var (status, output) = try await WorkerProcesses.runToExit(environment: ["DATABASE_URL": url.connectionString])
            #expect(status != 0 && output.contains("CHITRA_SERVICE_CREDENTIAL is not set: the database shows a worker nothing without its credential"),
                    "\(output)")
            (status, output) = try await WorkerProcesses.runToExit(environment: ["DATABASE_URL": url.connectionString,
                                                                                 "CHITRA_SERVICE_CREDENTIAL": "chitra_an_api_token"])
            #expect(status != 0 && output.contains("A service credential starts with chitrasvc_; this is not one."), "\(output)")
        }
    }

    @Test("a worker refuses a database whose schema is behind")
    func unmigrated() async throws {
        try await TestPostgres.withNewEmptyDatabase { url in
            let (status, output) = try await WorkerProcesses.runToExit(environment: ["DATABASE_URL": url.connectionString]
                                                                       .merging(TestPostgres.workerEnvironment) { $1 })
            #expect(status != 0)
            let known = try Migration.load(from: Migration.bundledFolder!).count
            #expect(output.contains("The database schema is behind (0 of \(known) migrations applied); run `chitra migrate` first."))
        }
    }

    static func count(_ sql: String, _ database: Database) async throws -> Int {
        for try await count in try await database.client.query(PostgresQuery(unsafeSQL: sql)).decode(Int64.self) {
            return Int(count)
        }
        return 0
    }
}
