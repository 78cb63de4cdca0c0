import PostgresNIO

extension JobQueue {
    /// What one maintenance pass did; `led` is false when another process held leadership.
    public struct MaintenanceReport: Sendable, Hashable {
        public var led: Bool
        public var rescued: Int
        public var pruned: Int
    }

    /// Rows one maintenance statement touches at most, so a pass never holds locks for long.
    public static let maintenanceBatchSize = 10_000

    /// One pass of the rescuer (and of the pruner when `prune`), if this process wins leadership.
    public func maintain(completedRetention: Duration, failedRetention: Duration, prune: Bool = true) async throws -> MaintenanceReport {
        try await database.transaction("maintain the job queue") { connection in
            var led = false
            for try await won in try await connection.send(MaintenanceSQL.tryLead, logger: Database.quiet).decode(Bool.self) {
                led = won
            }
            guard led else { return MaintenanceReport(led: false, rescued: 0, pruned: 0) }
            var rescued = 0
            var discarded: [Int64] = []
            for try await (id, ofRun) in try await connection.send(
                MaintenanceSQL.rescue(limit: Self.maintenanceBatchSize, at: time.now), logger: Database.quiet
            ).decode((Int64, Bool).self) {
                rescued += 1
                if ofRun { discarded.append(id) }
            }
            if !discarded.isEmpty {
                try await connection.execute(MaintenanceSQL.failRuns(jobIDs: discarded), logger: Database.quiet)
            }
            let pruned = prune ? try await Self.count(connection.send(
                MaintenanceSQL.prune(completedFor: completedRetention, failedFor: failedRetention,
                                     limit: Self.maintenanceBatchSize, at: time.now), logger: Database.quiet)) : 0
            if rescued > 0 {
                try await connection.execute("SELECT pg_notify('\(unescaped: JobSQL.channel)', '')", logger: Database.quiet)
            }
            return MaintenanceReport(led: true, rescued: rescued, pruned: pruned)
        }
    }

    static func count(_ rows: PostgresRowSequence) async throws -> Int { try await count(QueryRows(rows)) }

    static func count(_ rows: QueryRows) async throws -> Int {
        var count = 0
        for try await _ in rows { count += 1 }
        return count
    }
}
