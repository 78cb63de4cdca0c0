import ChitraCore
import ChitraStore
import ChitraTesting
import Foundation
import PostgresNIO
import Testing

@Suite("Job queue", .machine(limit: .minutes(2)))
struct JobQueueTests {
    let owner = "test-worker"

    @Test("a second enqueue with the same unique key inserts nothing and says so")
    func uniqueEnqueue() async throws {
        try await TestPostgres.withDatabase { database in
            let queue = JobQueue(database: database)
            let job = NewJob(kind: "plan", districtCode: "954", uniqueKey: "plan:954:2026-07")
            let first = try await queue.enqueue(job)
            let second = try await queue.enqueue(job)
            #expect(first.inserted)
            #expect(!second.inserted)
            #expect(second.id == first.id)
            #expect(try await queue.enqueue([job, job]) == 0)
            #expect(try await queue.countsByState() == [.available: 1])
        }
    }

    @Test("a cancelled job frees its unique key")
    func cancelledFreesKey() async throws {
        try await TestPostgres.withDatabase { database in
            let queue = JobQueue(database: database)
            let job = NewJob(kind: "plan", districtCode: "954", uniqueKey: "k")
            let first = try await queue.enqueue(job)
            _ = try await queue.cancel(id: first.id, by: .test("admin", role: .admin))
            let again = try await queue.enqueue(job)
            #expect(again.inserted && again.id != first.id)
        }
    }

    @Test("an enqueue in a transaction that rolls back leaves no job")
    func transactionalEnqueue() async throws {
        try await TestPostgres.withDatabase { database in
            struct Rollback: Error {}
            await #expect(throws: Rollback.self) {
                try await database.transaction("test") { connection in
                    try await JobQueue.enqueue(NewJob(kind: "plan", districtCode: "954"), on: connection)
                    try await JobQueue.enqueue([NewJob(kind: "compute", districtCode: "954")], on: connection)
                    throw Rollback()
                }
            }
            #expect(try await JobQueue(database: database).countsByState().isEmpty)
            try await database.transaction("test") { connection in
                try await JobQueue.enqueue(NewJob(kind: "plan", districtCode: "954"), on: connection)
            }
            #expect(try await JobQueue(database: database).countsByState() == [.available: 1])
        }
    }

    @Test("bulk enqueue through COPY keeps arguments intact, escapes included")
    func copyEnqueue() async throws {
        try await TestPostgres.withDatabase { database in
            let queue = JobQueue(database: database)
            let args = #"{"note": "tab\there, back\\slash, \"quoted\", Bạc Liêu\n", "n": 1}"#
            let jobs = (0..<1_500).map { NewJob(kind: "noop", districtCode: Fixtures.district($0), args: args, priority: 3, maxAttempts: 7) }
            #expect(try await queue.enqueue(jobs) == 1_500)
            let claimed = try await queue.claim(limit: 1, owner: owner, lease: .seconds(30))
            struct Note: Decodable, Equatable { var note: String; var n: Int }
            #expect(try claimed[0].decodeArgs(Note.self) == Note(note: "tab\there, back\\slash, \"quoted\", Bạc Liêu\n", n: 1))
            #expect(claimed[0].maxAttempts == 7)
            #expect(try await queue.countsByState() == [.available: 1_499, .running: 1])
        }
    }

    @Test("bad jobs are refused with a sentence")
    func invalidJob() async throws {
        try await TestPostgres.withDatabase { database in
            await #expect(throws: StoreError.invalidJob("unit code '95' is neither a district's 3 digits nor a commune's 5")) {
                try await JobQueue(database: database).enqueue(NewJob(kind: "plan", districtCode: "95"))
            }
        }
    }

    @Test("claims count the attempt, lease the job, and skip jobs not yet due")
    func claim() async throws {
        try await TestPostgres.withDatabase { database in
            let queue = JobQueue(database: database)
            try await queue.enqueue([
                NewJob(kind: "a", districtCode: "954"),
                NewJob(kind: "b", districtCode: "954", runAt: Date().addingTimeInterval(3600)),
            ])
            let claimed = try await queue.claim(limit: 10, owner: owner, lease: .seconds(30))
            #expect(claimed.map(\.kind) == ["a"])
            #expect(claimed.first?.attempt == 1)
            let record = try await queue.show(id: claimed[0].id)
            #expect(record.state == .running && record.leaseOwner == owner)
            #expect(try await queue.claim(limit: 10, owner: owner, lease: .seconds(30)).isEmpty)
        }
    }

    @Test("two claimers never get the same job")
    func concurrentClaims() async throws {
        try await TestPostgres.withDatabase(maximumConnections: 8) { database in
            let queue = JobQueue(database: database)
            try await queue.enqueue((0..<2_000).map { NewJob(kind: "noop", districtCode: Fixtures.district($0 % 3)) })
            let ids = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        var mine: [Int64] = []
                        while true {
                            let batch = try await queue.claim(limit: 50, owner: "w\(worker)", lease: .seconds(30))
                            if batch.isEmpty { return mine }
                            mine += batch.map(\.id)
                        }
                    }
                }
                return try await group.reduce(into: [Int64]()) { $0 += $1 }
            }
            #expect(ids.count == 2_000)
            #expect(Set(ids).count == 2_000)
        }
    }

    @Test("one district's 100,000 jobs do not starve another's 10")
    func fairness() async throws {
        try await TestPostgres.withDatabase { database in
            let queue = JobQueue(database: database)
            try await queue.enqueue((0..<100_000).map { _ in NewJob(kind: "compute", districtCode: "954") })
            try await queue.enqueue((0..<10).map { _ in NewJob(kind: "compute", districtCode: "961") })
            // The small district's jobs were enqueued last; all of them come in the first claim.
            let first = try await queue.claim(limit: 100, owner: owner, lease: .seconds(30))
            #expect(first.count == 60)
            #expect(first.filter { $0.districtCode == "961" }.count == 10)
            // With several districts waiting, a batch is shared out evenly.
            try await queue.enqueue((0..<300).map { _ in NewJob(kind: "compute", districtCode: "956") })
            let second = try await queue.claim(limit: 100, owner: owner, lease: .seconds(30))
            #expect(Dictionary(grouping: second, by: \.districtCode).mapValues(\.count) == ["954": 50, "956": 50])
        }
    }

    @Test("districts whose jobs are all snoozed take no share of a claim")
    func snoozedJobsTakeNoShare() async throws {
        try await TestPostgres.withDatabase { database in
            let queue = JobQueue(database: database)
            let later = Date().addingTimeInterval(3600)
            try await queue.enqueue((0..<20).map { _ in NewJob(kind: "compute", districtCode: "954") })
            for district in ["956", "957", "958", "959", "960", "961"] {
                try await queue.enqueue([NewJob(kind: "submit", districtCode: district, runAt: later)])
            }
            let claimed = try await queue.claim(limit: 12, owner: owner, lease: .seconds(30))
            #expect(claimed.count == 12 && claimed.allSatisfy { $0.districtCode == "954" }, "\(claimed.count) claimed")
        }
    }

    @Test("failures back off exponentially, then the job is discarded with its last error")
    func backoffAndDiscard() async throws {
        try await TestPostgres.withDatabase { database in
            let time = MovingTime()
            let queue = JobQueue(database: database, time: time.databaseTime)
            let policy = RetryPolicy(base: .seconds(2), cap: .seconds(60), jitter: 0)
            let id = try await queue.enqueue(NewJob(kind: "flaky", districtCode: "954", maxAttempts: 3)).id
            for attempt in 1...3 {
                let job = try #require(try await queue.claim(limit: 1, owner: owner, lease: .seconds(30)).first)
                #expect(job.attempt == Int32(attempt))
                let delay = policy.delay(afterAttempt: attempt)
                let reported = time.now
                try await queue.finish([JobOutcome(jobID: id, attempt: job.attempt,
                                                   result: .failed(error: "boom \(attempt)", delay: delay))], owner: owner)
                let record = try await queue.show(id: id)
                if attempt < 3 {
                    // 2 s, then 4 s: run_at is the time of the report plus the backoff.
                    let seconds = Double(delay.wholeMilliseconds) / 1000
                    #expect(seconds == [2.0, 4.0][attempt - 1])
                    #expect(record.state == .retryable)
                    #expect(abs(record.runAt.timeIntervalSince(reported.addingTimeInterval(seconds))) < 0.001)
                    // Not due a moment before its delay ends; due when it has.
                    time.advance(by: delay - .milliseconds(10))
                    #expect(try await queue.claim(limit: 1, owner: owner, lease: .seconds(30)).isEmpty)
                    time.advance(by: .milliseconds(10))
                }
            }
            let record = try await queue.show(id: id)
            #expect(record.state == .discarded)
            #expect(record.lastError == "boom 3")
            #expect(record.finalizedAt != nil)
            #expect(record.errors.contains("boom 1") && record.errors.contains("boom 2"))
        }
    }

    @Test("snooze does not count the attempt; cancel finalises")
    func snoozeAndCancel() async throws {
        try await TestPostgres.withDatabase { database in
            let queue = JobQueue(database: database)
            try await queue.enqueue([NewJob(kind: "a", districtCode: "954"), NewJob(kind: "b", districtCode: "954")])
            let jobs = try await queue.claim(limit: 2, owner: owner, lease: .seconds(30))
            let a = try #require(jobs.first { $0.kind == "a" }), b = try #require(jobs.first { $0.kind == "b" })
            try await queue.finish([
                JobOutcome(jobID: a.id, attempt: a.attempt, result: .snoozed(delay: .seconds(60))),
                JobOutcome(jobID: b.id, attempt: b.attempt, result: .cancelled(reason: "district closed")),
            ], owner: owner)
            let snoozed = try await queue.show(id: a.id), cancelled = try await queue.show(id: b.id)
            #expect(snoozed.state == .available && snoozed.attempt == 0 && snoozed.runAt > Date().addingTimeInterval(30))
            #expect(cancelled.state == .cancelled && cancelled.lastError == "district closed")
        }
    }

    @Test("a job snoozed with a lower priority goes ahead of its unit's jobs waiting since before it; without one it goes behind")
    func snoozeWithPriority() async throws {
        try await TestPostgres.withDatabase { database in
            let time = MovingTime()
            let queue = JobQueue(database: database, time: time.databaseTime)
            try await queue.enqueue((0..<5).map { NewJob(kind: "transfer", districtCode: "954", args: "{\"n\": \($0)}") })
            let first = try await queue.claim(limit: 2, owner: owner, lease: .seconds(30))
            #expect(first.count == 2)
            let (begun, plain) = (first[0], first[1])
            try await queue.finish([
                JobOutcome(jobID: begun.id, attempt: begun.attempt, result: .snoozed(delay: .seconds(1), priority: -1)),
                JobOutcome(jobID: plain.id, attempt: plain.attempt, result: .snoozed(delay: .seconds(1))),
            ], owner: owner)
            // Before its time it is not taken; once due it comes before the two still waiting since
            // the start, and the one snoozed without a priority after them.
            let early = try await queue.claim(limit: 1, owner: owner, lease: .seconds(30)).map(\.id)
            #expect(early.count == 1 && !early.contains(begun.id) && !early.contains(plain.id))
            time.advance(by: .seconds(2))
            #expect(try await queue.claim(limit: 1, owner: owner, lease: .seconds(30)).map(\.id) == [begun.id])
            let waiting = try await queue.claim(limit: 2, owner: owner, lease: .seconds(30)).map(\.id)
            #expect(waiting.count == 2 && !waiting.contains(plain.id))
            #expect(try await queue.claim(limit: 1, owner: owner, lease: .seconds(30)).map(\.id) == [plain.id])
        }
    }

    @Test("an expired lease is rescued with its attempt counted; a late report from the dead worker is ignored")
    func rescue() async throws {
        try await TestPostgres.withDatabase { database in
            let time = MovingTime()
            let queue = JobQueue(database: database, time: time.databaseTime)
            try await queue.enqueue([NewJob(kind: "a", districtCode: "954"),
                                     NewJob(kind: "b", districtCode: "954", maxAttempts: 1)])
            let jobs = try await queue.claim(limit: 2, owner: "dead", lease: .milliseconds(200))
            #expect(jobs.count == 2)
            #expect(try await queue.maintain(completedRetention: .seconds(3600), failedRetention: .seconds(3600)).rescued == 0,
                    "within its lease a job is not rescued")
            time.advance(by: .milliseconds(300))
            let report = try await queue.maintain(completedRetention: .seconds(3600), failedRetention: .seconds(3600))
            #expect(report.led && report.rescued == 2)
            let a = try #require(jobs.first { $0.kind == "a" }), b = try #require(jobs.first { $0.kind == "b" })
            let rescued = try await queue.show(id: a.id)
            #expect(rescued.state == .retryable && rescued.attempt == 1 && rescued.leaseOwner == nil)
            #expect(rescued.lastError?.contains("worker dead stopped renewing its lease") == true)
            #expect(try await queue.show(id: b.id).state == .discarded)
            // The job runs again elsewhere; the dead worker's late report changes nothing.
            let again = try await queue.claim(limit: 1, owner: "alive", lease: .seconds(30))
            #expect(again.first?.id == a.id && again.first?.attempt == 2)
            #expect(try await queue.finish([JobOutcome(jobID: a.id, attempt: 1, result: .completed)], owner: "dead") == 0)
            #expect(try await queue.show(id: a.id).state == .running)
        }
    }

    @Test("heartbeats keep a lease alive; release hands jobs back uncounted")
    func heartbeatAndRelease() async throws {
        try await TestPostgres.withDatabase { database in
            let time = MovingTime()
            let queue = JobQueue(database: database, time: time.databaseTime)
            try await queue.enqueue(NewJob(kind: "a", districtCode: "954"))
            // Beats every 500 ms keep a 2 s lease alive for 3 s, longer than the lease itself.
            let job = try #require(try await queue.claim(limit: 1, owner: owner, lease: .seconds(2)).first)
            for _ in 0..<6 {
                time.advance(by: .milliseconds(500))
                try await queue.heartbeat(ids: [job.id], owner: owner, lease: .seconds(2), within: .seconds(1))
            }
            #expect(try await queue.maintain(completedRetention: .seconds(1), failedRetention: .seconds(1)).rescued == 0)
            // Without its beats, the lease runs out 2 s after the last one.
            time.advance(by: .milliseconds(2_100))
            #expect(try await queue.maintain(completedRetention: .seconds(3600), failedRetention: .seconds(3600)).rescued == 1)
            #expect(try await queue.show(id: job.id).state == .retryable)
            let again = try #require(try await queue.claim(limit: 1, owner: owner, lease: .seconds(2)).first)
            #expect(again.id == job.id)
            try await queue.release(ids: [job.id], owner: owner)
            #expect(try await queue.show(id: job.id).attempt == 1, "the rescued attempt counted, the released one not")
        }
    }

    @Test("release hands jobs back uncounted")
    func release() async throws {
        try await TestPostgres.withDatabase { database in
            let queue = JobQueue(database: database)
            try await queue.enqueue(NewJob(kind: "a", districtCode: "954"))
            let job = try #require(try await queue.claim(limit: 1, owner: owner, lease: .seconds(2)).first)
            try await queue.release(ids: [job.id], owner: owner)
            let record = try await queue.show(id: job.id)
            #expect(record.state == .available && record.attempt == 0)
        }
    }

    @Test("only one process leads maintenance at a time; the pruner deletes old finished jobs")
    func leadershipAndPruning() async throws {
        try await TestPostgres.withDatabase { database in
            let time = MovingTime()
            let queue = JobQueue(database: database, time: time.databaseTime)
            try await queue.enqueue((0..<5).map { _ in NewJob(kind: "a", districtCode: "954") })
            let jobs = try await queue.claim(limit: 5, owner: owner, lease: .seconds(30))
            try await queue.finish(jobs.map { JobOutcome(jobID: $0.id, attempt: $0.attempt, result: .completed) }, owner: owner)
            // Within the retention, nothing goes; two days later, all five.
            #expect(try await queue.maintain(completedRetention: .seconds(3600), failedRetention: .seconds(3600)).pruned == 0)
            time.advance(by: .seconds(2 * 86_400))
            // Hold leadership in another transaction: the pass must not run.
            try await database.transaction("hold leadership") { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(0x0C41_7241_0002 as Int64))", logger: TestPostgres.logger)
                let report = try await queue.maintain(completedRetention: .seconds(3600), failedRetention: .seconds(3600))
                #expect(!report.led && report.pruned == 0)
            }
            let report = try await queue.maintain(completedRetention: .seconds(3600), failedRetention: .seconds(3600))
            #expect(report.led && report.pruned == 5)
        }
    }

    @Test("operators retry a discarded job and cancel an available one; wrong states are explained")
    func adminActions() async throws {
        try await TestPostgres.withDatabase { database in
            let queue = JobQueue(database: database)
            let id = try await queue.enqueue(NewJob(kind: "a", districtCode: "954", maxAttempts: 1)).id
            let job = try #require(try await queue.claim(limit: 1, owner: owner, lease: .seconds(30)).first)
            await #expect(throws: StoreError.jobNotInState(id: id, state: "running",
                                                            wanted: "retryable, discarded, cancelled or scheduled")) {
                try await queue.retry(id: id, by: .test("admin", role: .admin))
            }
            try await queue.finish([JobOutcome(jobID: id, attempt: job.attempt, result: .failed(error: "x", delay: .zero))], owner: owner)
            #expect(try await queue.show(id: id).state == .discarded)
            let retried = try await queue.retry(id: id, by: .test("admin", role: .admin))
            #expect(retried.state == .available && retried.maxAttempts == 2)
            #expect(try await queue.cancel(id: id, by: .test("admin", role: .admin)).state == .cancelled)
            await #expect(throws: StoreError.jobNotFound(id: 999_999)) { try await queue.show(id: 999_999) }
            let listed = try await queue.list(.init(districtCode: "954", kind: "a", state: .cancelled))
            #expect(listed.map(\.id) == [id])
            #expect(try await queue.list(.init(districtCode: "956")).isEmpty)
        }
    }
}
