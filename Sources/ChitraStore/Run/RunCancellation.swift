import ChitraCore
import Foundation
import PostgresNIO

/// Cancelling a run before approval (a failed one included): its unapproved lines and
/// disbursements, its shards, totals and snapshot are removed, its waiting jobs cancelled.
/// The run's row is locked first, as compute jobs lock it first: a cancel waits for the shards
/// computing now, and a shard starting after it finds the run cancelled. Triggering the run again
/// computes afresh under a new generation.
public enum RunCancellation {
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case noRun(district: String, period: String)
        case tooLate(district: String, period: String, state: String)

        public var description: String {
            switch self {
            case .noRun(let district, let period): "\(PayoutUnitCode.named(district)) has no run for \(period)."
            case .tooLate(let district, let period, let state):
                "The run of district \(district) for \(period) is \(state); only a run not yet approved can be cancelled."
            }
        }
    }

    /// Returns how many disbursements were removed.
    @discardableResult
    public static func cancel(district: String, period: Period, by identity: Identity, database: Database) async throws -> Int {
        try await database.transaction("cancel the run of district \(district)") { connection in
            guard let run = try await RunSQL.lockExisting(district: district, period: period, on: connection) else { throw Failure.noRun(district: district, period: period.description) }
            do {
                _ = try RunStateMachine(run.state).cancel()
            } catch {
                throw Failure.tooLate(district: district, period: period.description, state: run.state.rawValue)
            }
            try await connection.execute(RunSQL.removeLines(runID: run.id), logger: Database.quiet)
            var removed = 0
            for try await count in try await connection.send(
                RunSQL.removeUnapprovedDisbursements(runID: run.id), logger: Database.quiet).decode(Int64.self) {
                removed = Int(count)
            }
            for statement in RunSQL.cancelStatements(runID: run.id, district: district) {
                try await connection.execute(statement, logger: Database.quiet)
            }
            try await AuditLog.append(AuditEntry(by: identity, .cancelRun, district: district, period: period, subject: "run \(run.id)",
                                                 before: ["state": .text(run.state.rawValue)],
                                                 after: ["state": "cancelled", "disbursements_removed": .number(Int64(removed))]), on: connection)
            return removed
        }
    }
}
