import ChitraCore

/// Runs as `chitra status` and `chitra run --wait` show them, read in one call: each run, where the
/// money of those past approval stands and whether the rails are still moving it by themselves, and
/// whether workers are at the runs' jobs. The API serves it (`GET /api/v1/runs/progress`); the
/// command line reads it there.
public struct RunProgressSnapshot: Sendable, Hashable, Codable {
    public struct Run: Sendable, Hashable, Codable {
        public var status: RunStatus
        /// For approved and completed runs: disbursements by state.
        public var settlement: RunSettlement?
        /// An approved run whose transfers the rails will act on by themselves soon.
        public var moving: Bool
    }

    public var runs: [Run]
    public var activity: RunStatus.Activity

    public static func read(period: Period?, districts: [String]?, database: Database) async throws -> RunProgressSnapshot {
        let statuses = try await RunStatus.list(period: period, districts: districts, database: database)
        let paying = statuses.filter(\.state.isApproved).map(\.runID)
        let settlements = paying.isEmpty ? [:] : try await RunSettlement.of(runIDs: paying, database: database)
        var runs: [Run] = []
        for status in statuses {
            let moving = status.state == .approved ? try await RunRails.motion(runID: status.runID, database: database).isMoving : false
            runs.append(Run(status: status, settlement: settlements[status.runID], moving: moving))
        }
        let activity = statuses.isEmpty ? RunStatus.Activity(running: 0, due: 0, secondsSinceLastClaim: nil)
            : try await RunStatus.activity(runIDs: statuses.map(\.runID), database: database)
        return RunProgressSnapshot(runs: runs, activity: activity)
    }
}
