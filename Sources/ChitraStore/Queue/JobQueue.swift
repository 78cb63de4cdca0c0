import ChitraCore
import Foundation
import PostgresNIO
import Logging

/// The job queue in PostgreSQL: enqueue (alone or in the caller's transaction), batched claims,
/// batched outcomes, heartbeats and release. Workers and the coordinator call this, never SQL.
public struct JobQueue: Sendable {
    public let database: Database
    /// The clock leases, delays and retention count by: the database's unless a test moves one.
    public let time: DatabaseTime

    public init(database: Database, time: DatabaseTime = .database) {
        self.database = database
        self.time = time
    }

    /// The NOTIFY channel that wakes sleeping workers.
    public static var notificationChannel: String { JobSQL.channel }

    // MARK: Enqueue

    /// Enqueues one job; when its unique key is already held, inserts nothing and returns the
    /// holder's id with `inserted == false`.
    @discardableResult
    public func enqueue(_ job: NewJob) async throws -> EnqueueResult {
        try await database.transaction("enqueue a \(job.kind) job") { try await Self.enqueue(job, on: $0, at: time.now) }
    }

    /// The same, inside the caller's open transaction: the job exists only if that commits.
    @discardableResult
    public static func enqueue(_ job: NewJob, on connection: PostgresConnection, at now: Date? = nil) async throws -> EnqueueResult {
        let (count, firstID) = try await insert([job], on: connection, at: now)
        if count == 1, let firstID { return EnqueueResult(id: firstID, inserted: true) }
        guard let key = job.uniqueKey else { throw StoreError.invalidJob("the database inserted nothing") }
        let rows = try await connection.send(JobSQL.holderOfKey(key), logger: Database.quiet)
        for try await id in rows.decode(Int64.self) { return EnqueueResult(id: id, inserted: false) }
        // The holder was finalised between the two statements: try once more.
        return try await enqueue(job, on: connection, at: now)
    }

    /// Jobs with unique keys, in the caller's open transaction and one statement: the id of each,
    /// by its key (the job inserted, or the live job that already held the key).
    static func enqueueKeyed(_ jobs: [NewJob], on connection: PostgresConnection, at now: Date? = nil) async throws -> [String: Int64] {
        for job in jobs where job.uniqueKey == nil { throw StoreError.invalidJob("a \(job.kind) job enqueued by its key has no unique key") }
        var ids: [String: Int64] = [:]
        for (id, key) in try await inserted(jobs, on: connection, at: now) { if let key { ids[key] = id } }
        // A key a live job held already: its holder (found once its insert is skipped, as for one job).
        for job in jobs where ids[job.uniqueKey ?? ""] == nil {
            ids[job.uniqueKey ?? ""] = try await enqueue(job, on: connection, at: now).id
        }
        return ids
    }

    /// Enqueues many jobs in one statement; returns how many were inserted (jobs whose unique key
    /// was already held are skipped).
    @discardableResult
    public func enqueue(_ jobs: [NewJob]) async throws -> Int {
        guard !jobs.isEmpty else { return 0 }
        return try await database.transaction("enqueue \(jobs.count) jobs") { try await Self.enqueue(jobs, on: $0, at: time.now) }
    }

    /// Many jobs in the caller's transaction: jobs with neither unique key nor start time stream
    /// through COPY; the others go in `unnest` statements of at most `insertBatchSize`.
    @discardableResult
    /// (COPY dates its rows by the database's clock: a queue given another time enqueues with `unnest`.)
    public static func enqueue(_ jobs: [NewJob], on connection: PostgresConnection, at now: Date? = nil) async throws -> Int {
        if now == nil, jobs.count >= copyThreshold, jobs.allSatisfy({ $0.uniqueKey == nil && $0.runAt == nil }) {
            for job in jobs { try job.validate() }
            try await JobCopy.copy(jobs, on: connection)
            try await connection.execute("SELECT pg_notify('\(unescaped: JobSQL.channel)', '')", logger: Database.quiet)
            return jobs.count
        }
        var inserted = 0
        var start = jobs.startIndex
        while start < jobs.endIndex {
            let end = min(start + insertBatchSize, jobs.endIndex)
            inserted += try await insert(Array(jobs[start..<end]), on: connection, at: now).count
            start = end
        }
        return inserted
    }

    /// From this many plain jobs on, COPY beats `unnest` (measured: about twice as fast at 200,000).
    public static let copyThreshold = 1_000

    /// Rows per insert statement. 20,000 keeps one statement's bind arrays to a few megabytes
    /// while amortising the round trip; larger batches measured no faster.
    public static let insertBatchSize = 20_000

    private static func insert(_ jobs: [NewJob], on connection: PostgresConnection, at now: Date?) async throws -> (count: Int, firstID: Int64?) {
        let rows = try await inserted(jobs, on: connection, at: now)
        return (rows.count, rows.map(\.id).min())
    }

    /// The id and unique key of each job inserted.
    private static func inserted(_ jobs: [NewJob], on connection: PostgresConnection, at now: Date?) async throws -> [(id: Int64, key: String?)] {
        for job in jobs { try job.validate() }
        var rows: [(id: Int64, key: String?)] = []
        rows.reserveCapacity(jobs.count)
        for try await (id, key) in try await connection.send(JobSQL.insert(jobs, at: now), logger: Database.quiet).decode((Int64, String?).self) {
            rows.append((id, key))
        }
        return rows
    }

    // MARK: Working

    /// Claims up to `limit` due jobs for `owner`, fairly across units, holding each for `lease`;
    /// the units are taken in turn from the one after `cursor` (see `ClaimCursor`).
    public func claim(limit: Int, owner: String, lease: Duration, after cursor: String? = nil) async throws(StoreError) -> [ClaimedJob] {
        guard limit > 0 else { return [] }
        // The claim's secret: its SHA-256 goes with the jobs, the secret stays in this process.
        let secret = SecretText.random(length: 40)
        // A lease is used with the credential that claimed it: without it, it reaches nothing.
        let service = database.scope.credential?.secret ?? ""
        let rows = try await database.query(JobSQL.claim(limit: limit, owner: owner, lease: lease, leaseHash: SecretText.sha256(secret),
                                                         after: cursor, at: time.now), "claim jobs")
        var jobs: [ClaimedJob] = []
        jobs.reserveCapacity(limit)
        do {
            for try await (id, kind, district, args, attempt, maxAttempts) in rows.decode(
                (Int64, JobKind, String, String, Int32, Int32).self) {
                jobs.append(ClaimedJob(id: id, kind: kind, districtCode: district, args: args, attempt: attempt,
                                       maxAttempts: maxAttempts, lease: Credential("chitrajob_\(id)_\(secret)_\(service)")))
            }
        } catch {
            throw StoreError.from(error, context: "claim jobs", url: database.url)
        }
        return jobs
    }

    /// Records outcomes in one statement; returns how many rows changed (fewer when some jobs
    /// were rescued from this worker meanwhile).
    ///
    /// Plain completions, the common outcome, take the cheapest statement; the rest the general one.
    /// (Both stay unnamed statements: a cached generic plan cannot see the array's size and was
    /// measured to scan the whole table.)
    @discardableResult
    public func finish(_ outcomes: [JobOutcome], owner: String) async throws(StoreError) -> Int {
        guard !outcomes.isEmpty else { return 0 }
        var completedIDs: [Int64] = [], completedAttempts: [Int32] = [], others: [JobOutcome] = []
        completedIDs.reserveCapacity(outcomes.count)
        completedAttempts.reserveCapacity(outcomes.count)
        for outcome in outcomes {
            if case .completed = outcome.result {
                completedIDs.append(outcome.jobID)
                completedAttempts.append(outcome.attempt)
            } else {
                others.append(outcome)
            }
        }
        var changed = 0
        if !completedIDs.isEmpty {
            let rows = try await database.query(JobSQL.complete(ids: completedIDs, attempts: completedAttempts, owner: owner, at: time.now),
                                                "record job outcomes")
            changed += try await Self.drain(rows, context: "record job outcomes", url: database.url)
        }
        if !others.isEmpty {
            let rows = try await database.query(JobSQL.finish(others, owner: owner, at: time.now), "record job outcomes")
            changed += try await Self.drain(rows, context: "record job outcomes", url: database.url)
        }
        return changed
    }

    /// Completes a job inside the handler's transaction, so that its effects and its completion
    /// commit together. Throws `leaseLost` (and the caller rolls back) when the job is no longer
    /// this worker's.
    public static func complete(_ job: ClaimedJob, owner: String, on connection: PostgresConnection) async throws {
        let rows = try await connection.send(JobSQL.completeOne(id: job.id, attempt: job.attempt, owner: owner),
                                               logger: Database.quiet)
        for try await _ in rows.decode(Int64.self) { return }
        throw StoreError.leaseLost(jobID: job.id)
    }

    /// Extends the leases of `ids` that `owner` still holds; returns those (a job missing was
    /// rescued and given to another worker, or just finished). On a connection of its own that is
    /// closed if no answer comes within `deadline`: the server (or the link to it) is gone,
    /// and a query waiting for it would wait for as long as TCP does.
    @discardableResult
    public func heartbeat(ids: [Int64], owner: String, lease: Duration, within deadline: Duration) async throws(StoreError) -> Set<Int64> {
        guard !ids.isEmpty else { return [] }
        let query = JobSQL.heartbeat(ids: ids, owner: owner, lease: lease, at: time.now)
        do {
            return try await database.transaction("extend job leases") { connection in
                try await withThrowingTaskGroup(of: Set<Int64>?.self) { group in
                    group.addTask {
                        var renewed = Set<Int64>()
                        for try await id in try await connection.send(query, logger: Database.quiet).decode(Int64.self) { renewed.insert(id) }
                        return renewed
                    }
                    group.addTask {
                        try await Task.sleep(for: deadline)
                        try? await connection.close()
                        return nil
                    }
                    while let answer = try await group.next() {
                        if let renewed = answer {
                            group.cancelAll()
                            return renewed
                        }
                    }
                    throw StoreError.connectionClosed
                }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.from(error, context: "extend job leases", url: database.url)
        }
    }

    public func release(ids: [Int64], owner: String) async throws(StoreError) {
        guard !ids.isEmpty else { return }
        let rows = try await database.query(JobSQL.release(ids: ids, owner: owner, at: time.now), "release jobs")
        _ = try await Self.drain(rows, context: "release jobs", url: database.url)
    }

    /// Consumes a statement's result; returns the number of rows it returned.
    static func drain(_ rows: QueryRows, context: String, url: DatabaseURL) async throws(StoreError) -> Int {
        do {
            var count = 0
            for try await _ in rows { count += 1 }
            return count
        } catch {
            throw StoreError.from(error, context: context, url: url)
        }
    }
}

extension Database {
    /// A logger that drops PostgresNIO's per-query lines: the queue runs thousands a second.
    static let quiet = Logger(label: "chitra.store.quiet", factory: { _ in SwiftLogNoOpLogHandler() })
}
