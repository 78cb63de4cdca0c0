import ChitraCore
import Foundation
import PostgresNIO

/// What finance sees before approving a run: its recorded totals by programme and rail, who
/// triggered it and when, and the unit's month before for comparison. The approval then carries the
/// count and sum shown (`RunApproval.Shown`): if the run changed meanwhile, nothing is approved.
public struct RunApprovalPreview: Sendable {
    public var state: RunState
    public var triggeredBy: String
    public var triggeredAt: Date
    public var totals: RunApproval.ControlTotals
    /// The unit's run of the month before, if it had one.
    public var previous: RunApproval.Shown?

    /// Nil when the unit has no run for `period`.
    public static func read(district: String, period: Period, database: Database) async throws -> RunApprovalPreview? {
        let current: RunApprovalPreview? = try await database.transaction("read the run of \(district) for approval") { connection in
            for try await (id, state, by, at) in try await connection.send(RunApprovalPreviewSQL.run(district: district, period: period),
                                                                            logger: Database.quiet).decode((Int64, String, String, Date).self) {
                guard let state = RunState(rawValue: state) else { return nil }
                let totals = try await RunApproval.controlTotals(runID: id, on: connection)
                return RunApprovalPreview(state: state, triggeredBy: by, triggeredAt: at, totals: totals)
            }
            return nil
        }
        guard var preview = current else { return nil }
        if let before = try await RunStatus.list(period: period.previous, districts: [district], database: database).first {
            preview.previous = .init(count: before.disbursements, totalVND: before.disbursedVND)
        }
        return preview
    }
}

enum RunApprovalPreviewSQL {
    static func run(district: String, period: Period) -> PostgresQuery {
        "SELECT id, state::text, triggered_by, created_at FROM runs WHERE unit_code = \(district) AND period = \(period)"
    }
}
