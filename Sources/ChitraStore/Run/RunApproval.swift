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
        case totalsDisagree(district: String, period: String, recorded: ControlTotals, counted: ControlTotals)
        /// The person confirmed other totals than the run holds now (it was computed again meanwhile).
        case changedSinceShown(district: String, period: String, shown: Shown, now: Shown)

        public var description: String {
            switch self {
            case .noRun(let district, let period): "\(PayoutUnitCode.named(district)) has no run for \(period)."
            case .notComputed(let district, let period, let state):
                "The run of district \(district) for \(period) is \(state); only a computed run can be approved."
            case .sameApprover(let name):
                "\(name) triggered this run and cannot also approve it; another person must (maker–checker)."
            case .totalsDisagree(let district, let period, let recorded, let counted):
                "The run of district \(district) for \(period) records \(recorded.count) disbursements of \(Money(dong: recorded.totalVND)) "
                    + "but holds \(counted.count) of \(Money(dong: counted.totalVND)); it is not approved."
            case .changedSinceShown(let district, let period, let shown, let now):
                "The run of district \(district) for \(period) was shown with \(shown.count) disbursements of \(Money(dong: shown.totalVND)) "
                    + "but now holds \(now.count) of \(Money(dong: now.totalVND)); look at it again before approving."
            }
        }
    }

    /// The count and sum a person saw and confirmed.
    public struct Shown: Sendable, Hashable {
        public var count: Int
        public var totalVND: Int64
        public init(count: Int, totalVND: Int64) {
            self.count = count
            self.totalVND = totalVND
        }
    }

    /// Count and sum of a run's disbursements, in all and by program and rail.
    public struct ControlTotals: Sendable, Hashable, Codable {
        public var count: Int
        public var totalVND: Int64
        public var byProgram: [String: Int64]
        public var byRail: [String: Int64]
        public var countByProgram: [String: Int] = [:]
        public var countByRail: [String: Int] = [:]

        public init() {
            count = 0
            totalVND = 0
            byProgram = [:]
            byRail = [:]
        }

        public mutating func add(program: String, rail: String, count: Int, amount: Int64) {
            self.count += count
            totalVND += amount
            byProgram[program, default: 0] += amount
            byRail[rail, default: 0] += amount
            countByProgram[program, default: 0] += count
            countByRail[rail, default: 0] += count
        }
    }

    /// Maker–checker compares people (`Identity.person`: the name on the token, whatever its case),
    /// so that one person holding two tokens cannot approve their own run. Audited.
    /// `shown`: the totals the person confirmed; approving other totals is refused.
    public static func approve(district: String, period: Period, by identity: Identity, shown: Shown? = nil,
                               database: Database) async throws -> ControlTotals {
        let approver = identity.name
        return try await database.transaction("approve the run of district \(district)") { connection in
            guard let run = try await RunSQL.lockExisting(district: district, period: period, on: connection) else { throw Failure.noRun(district: district, period: period.description) }
            do {
                _ = try RunStateMachine(run.state).approve()
            } catch {
                throw Failure.notComputed(district: district, period: period.description, state: run.state.rawValue)
            }
            guard Identity.person(run.triggeredBy) != identity.person else { throw Failure.sameApprover(name: approver) }
            // The checker approves what the run recorded; it must be what the run holds.
            let recorded = try await controlTotals(runID: run.id, on: connection)
            let counted = try await totals(RunSQL.disbursementTotals(runID: run.id), on: connection)
            guard recorded == counted else {
                throw Failure.totalsDisagree(district: district, period: period.description, recorded: recorded, counted: counted)
            }
            let now = Shown(count: recorded.count, totalVND: recorded.totalVND)
            if let shown, shown != now {
                throw Failure.changedSinceShown(district: district, period: period.description, shown: shown, now: now)
            }
            try await connection.execute(RunSQL.approve(runID: run.id), logger: Database.quiet)
            try await connection.execute(RunSQL.recordApproval(runID: run.id, by: approver), logger: Database.quiet)
            try await RunSubmission.enqueue(runID: run.id, generation: run.generation, district: district, on: connection)
            try await AuditLog.append(AuditEntry(by: identity, .approveRun, district: district, period: period, subject: "run \(run.id)",
                                                 before: ["state": .text(run.state.rawValue), "triggered_by": .text(run.triggeredBy)],
                                                 after: ["state": "approved", "disbursements": .number(Int64(recorded.count)),
                                                         "amount_vnd": .number(recorded.totalVND)]), on: connection)
            return recorded
        }
    }

    /// The control totals the run recorded, shard by shard.
    public static func controlTotals(runID: Int64, on connection: PostgresConnection) async throws -> ControlTotals {
        try await totals(RunSQL.controlTotals(runID: runID), on: connection)
    }

    /// The same counted from the run's disbursements (what the recorded totals must equal).
    public static func disbursementTotals(runID: Int64, on connection: PostgresConnection) async throws -> ControlTotals {
        try await totals(RunSQL.disbursementTotals(runID: runID), on: connection)
    }

    static func totals(_ query: PostgresQuery, on connection: PostgresConnection) async throws -> ControlTotals {
        var totals = ControlTotals()
        let rows = try await connection.send(query, logger: Database.quiet)
        for try await (program, rail, count, sum) in rows.decode((String, String, Int64, Int64).self) {
            totals.add(program: program, rail: rail, count: Int(count), amount: sum)
        }
        return totals
    }
}
