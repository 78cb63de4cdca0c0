import ChitraCore
import Foundation
import PostgresNIO

/// Maker–checker: finance approves a computed run with its control totals; the approver must not
/// be the person who triggered it.
public enum RunApproval {
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case noRun(district: String, period: String)
        case notComputed(district: String, period: String, state: String)
        case sameApprover(name: String)

        public var description: String {
            switch self {
            case .noRun(let district, let period): "District \(district) has no run for \(period)."
            case .notComputed(let district, let period, let state):
                "The run of district \(district) for \(period) is \(state); only a computed run can be approved."
            case .sameApprover(let name):
                "\(name) triggered this run and cannot also approve it; another person must (maker–checker)."
            }
        }
    }

    /// Count and sum of a run's disbursements, in all and by program and rail.
    public struct ControlTotals: Sendable, Hashable, Codable {
        public var count: Int
        public var totalVND: Int64
        public var byProgram: [String: Int64]
        public var byRail: [String: Int64]
    }

    public static func approve(district: String, period: Period, by approver: String, database: Database) async throws -> ControlTotals {
        try await database.transaction("approve the run of district \(district)") { connection in
            guard let run = try await RunSQL.lockExisting(district: district, period: period, on: connection) else { throw Failure.noRun(district: district, period: period.description) }
            guard run.state == "computed" else {
                throw Failure.notComputed(district: district, period: period.description, state: run.state)
            }
            guard run.triggeredBy != approver else { throw Failure.sameApprover(name: approver) }
            try await connection.query(RunSQL.approve(runID: run.id, by: approver), logger: Database.quiet)
            try await approveDisbursements(runID: run.id, on: connection)
            return try await controlTotals(runID: run.id, on: connection)
        }
    }

    /// Approved disbursements wait in `approved` for the rails.
    static func approveDisbursements(runID: Int64, on connection: PostgresConnection) async throws {
        try await connection.query(RunSQL.approveDisbursements(runID: runID), logger: Database.quiet)
    }

    public static func controlTotals(runID: Int64, on connection: PostgresConnection) async throws -> ControlTotals {
        var totals = ControlTotals(count: 0, totalVND: 0, byProgram: [:], byRail: [:])
        let rows = try await connection.query(RunSQL.controlTotals(runID: runID), logger: Database.quiet)
        for try await (program, rail, count, sum) in rows.decode((String, String, Int64, Int64).self) {
            totals.count += Int(count)
            totals.totalVND += sum
            totals.byProgram[program, default: 0] += sum
            totals.byRail[rail, default: 0] += sum
        }
        return totals
    }
}
