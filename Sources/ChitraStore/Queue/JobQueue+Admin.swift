import Foundation
import ChitraCore
import PostgresNIO

extension JobQueue {
    /// What operators filter the queue by.
    public struct Filter: Sendable, Hashable {
        public var districtCode: String?
        public var kind: String?
        public var state: JobState?
        public var limit: Int

        public init(districtCode: String? = nil, kind: String? = nil, state: JobState? = nil, limit: Int = 50) {
            self.districtCode = districtCode
            self.kind = kind
            self.state = state
            self.limit = limit
        }
    }

    public func list(_ filter: Filter) async throws -> [JobRecord] {
        try await records(JobAdminSQL.list(filter), context: "list jobs")
    }

    public func show(id: Int64) async throws -> JobRecord {
        guard let record = try await records(JobAdminSQL.show(id: id), context: "show job \(id)").first else {
            throw StoreError.jobNotFound(id: id)
        }
        return record
    }

    /// Makes a job that is not running available now, with one more attempt if it had used them all;
    /// audited in the same transaction as the change (both happen or neither).
    public func retry(id: Int64, by identity: Identity) async throws -> JobRecord {
        try await change(id: id, JobAdminSQL.retry(id: id), wanted: "retryable, discarded, cancelled or scheduled",
                         context: "retry job \(id)", by: identity, after: "available")
    }

    /// Cancels a job that has not finished, audited in the same transaction. A running job's worker
    /// finds it cancelled when it reports back, and its outcome is dropped.
    public func cancel(id: Int64, by identity: Identity) async throws -> JobRecord {
        try await change(id: id, JobAdminSQL.cancel(id: id), wanted: "available, retryable or running",
                         context: "cancel job \(id)", by: identity, after: "cancelled")
    }

    /// Enqueues `count` copies of `job` by hand, audited in the same transaction; returns how many
    /// were inserted and, for one, its id (or the id of the job holding its unique key).
    public func enqueue(_ job: NewJob, count: Int, by identity: Identity) async throws -> (inserted: Int, id: Int64?) {
        try await database.transaction("enqueue \(count) \(job.kind) job(s)") { connection in
            var result: (inserted: Int, id: Int64?)
            if count == 1 {
                let one = try await Self.enqueue(job, on: connection)
                result = (one.inserted ? 1 : 0, one.id)
            } else {
                result = (try await Self.enqueue(Array(repeating: job, count: count), on: connection), nil)
            }
            try await AuditLog.append(AuditEntry(by: identity, .manageJobs, district: job.districtCode, subject: "enqueue \(job.kind)",
                                                 after: ["enqueued": .number(Int64(result.inserted))]), on: connection)
            return result
        }
    }

    /// Job counts by state, for progress and operators.
    public func countsByState(districtCode: String? = nil, kind: String? = nil) async throws -> [JobState: Int] {
        let rows = try await database.query(JobAdminSQL.counts(districtCode: districtCode, kind: kind), "count jobs")
        var counts: [JobState: Int] = [:]
        do {
            for try await (state, count) in rows.decode((String, Int64).self) {
                if let state = JobState(rawValue: state) { counts[state] = Int(count) }
            }
        } catch {
            throw StoreError.from(error, context: "count jobs", url: database.url)
        }
        return counts
    }

    private func change(id: Int64, _ query: PostgresQuery, wanted: String, context: String, by identity: Identity,
                        after state: String) async throws -> JobRecord {
        let changed: JobRecord?
        do {
            changed = try await database.transaction(context) { connection in
                let rows = try await connection.send(query, logger: Database.quiet)
                guard let record = try await Self.records(QueryRows(rows)).first else { return nil }
                try await AuditLog.append(AuditEntry(by: identity, .manageJobs, district: record.districtCode, subject: "job \(id)",
                                                     after: ["state": .text(state), "kind": .text(record.kind.rawValue)]), on: connection)
                return record
            }
        } catch let error as StoreError where error.isDuplicate {
            throw StoreError.invalidJob("another live job holds the unique key of job \(id)")
        }
        if let changed { return changed }
        let current = try await show(id: id)
        throw StoreError.jobNotInState(id: id, state: current.state.rawValue, wanted: wanted)
    }

    private func records(_ query: PostgresQuery, context: String) async throws -> [JobRecord] {
        do {
            return try await Self.records(try await database.query(query, context))
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.from(error, context: context, url: database.url)
        }
    }

    private static func records(_ rows: QueryRows) async throws -> [JobRecord] {
        var records: [JobRecord] = []
        for try await row in rows {
            let (id, kind, district, state, args, key, priority, attempt, maxAttempts,
                 runAt, createdAt, attemptedAt, finalizedAt, owner, expires, lastError, errors) = try row.decode(
                (Int64, JobKind, String, String, String, String?, Int16, Int32, Int32,
                 Date, Date, Date?, Date?, String?, Date?, String?, String).self)
            records.append(JobRecord(
                id: id, kind: kind, districtCode: district, state: JobState(rawValue: state) ?? .available,
                args: args, uniqueKey: key, priority: priority, attempt: attempt, maxAttempts: maxAttempts,
                runAt: runAt, createdAt: createdAt, attemptedAt: attemptedAt, finalizedAt: finalizedAt,
                leaseOwner: owner, leaseExpiresAt: expires, lastError: lastError, errors: errors))
        }
        return records
    }
}
