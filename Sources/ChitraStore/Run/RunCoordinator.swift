import ChitraCore
import Foundation
import PostgresNIO

/// `chitra run`: records a run per (district, period) and enqueues its `plan` job in the same
/// transaction. Triggering the same run again enqueues nothing and says so.
public struct RunCoordinator: Sendable {
    public enum Outcome: Sendable, Hashable, CustomStringConvertible {
        case started(district: String, runID: Int64, planJobID: Int64)
        case alreadyTriggered(district: String, runID: Int64, state: RunState)

        public var description: String {
            switch self {
            case .started(let district, let runID, let job):
                "\(PayoutUnitCode.named(district)): run \(runID) started (plan job \(job))."
            case .alreadyTriggered(let district, let runID, let state):
                "\(PayoutUnitCode.named(district)): run \(runID) was already triggered and is \(state.rawValue); nothing enqueued."
                    + (state == .failed ? " Resume it with `chitra run resume` or cancel it with `chitra run cancel`." : "")
            }
        }
    }

    public struct PlanArgs: Codable, Sendable {
        public var runID: Int64
        public var generation: Int32
        /// The run's month, for the job's log lines (absent in jobs enqueued before it was added).
        public var period: String?
    }

    public let database: Database
    /// The months a run may be triggered for; nil: the bundled policy tables' rule, today.
    public let periodRule: RunPeriodRule?

    public init(database: Database, periodRule: RunPeriodRule? = nil) {
        self.database = database
        self.periodRule = periodRule
    }

    /// Triggers `period` for `districts` (every unit with a register that pays in `period` when nil);
    /// a unit that does not pay in `period` is refused, naming who does. A period outside
    /// `periodRule` is refused unless `force`, and a forced run records it.
    /// Each run triggered (or triggered again) is audited with `by`, in the transaction that
    /// triggers it (up to `unitsPerTransaction` runs each).
    public func trigger(period: Period, districts: [String]?, by: Identity, autoApprove: Bool, force: Bool = false) async throws -> [Outcome] {
        let rule = try periodRule ?? RunPeriodRule(policy: try PolicyTable.bundled())
        try rule.check(period, force: force)
        let forced = rule.needsForce(period)
        // Paying months ahead is an administrator's decision, whoever calls.
        if forced, let refusal = AccessError(Access.decide(by, .forceRun, districts: [])) { throw refusal }
        let targets: [String]
        if let districts {
            try await DistrictSettings.requireKnown(districts, database: database)
            try await PayoutUnits.requirePaying(districts, in: period, database: database)
            targets = districts
        } else {
            var found: [String] = []
            for try await code in try await database.query(RunSQL.unitsWithRegister(paying: period), "list the units paying \(period)")
                .decode(String.self) {
                found.append(code)
            }
            targets = found
        }
        // Units a transaction triggers: a province's or a country's month (3,321 communes) is not
        // 3,321 commits; each run keeps its own audit entry. Triggering again is a no-op, so a
        // group that fails is simply triggered again.
        var outcomes: [Outcome] = []
        for start in stride(from: 0, to: targets.count, by: Self.unitsPerTransaction) {
            let group = Array(targets[start..<min(start + Self.unitsPerTransaction, targets.count)])
            let label = group.count == 1 ? "trigger the run of \(PayoutUnitCode.named(group[0]))" : "trigger the runs of \(group.count) units from \(group[0])"
            outcomes += try await database.transaction(label) { connection in
                var triggered: [Outcome] = []
                for district in group {
                    triggered.append(try await Self.trigger(district: district, period: period, by: by, autoApprove: autoApprove, forced: forced,
                                                            on: connection))
                }
                return triggered
            }
        }
        return outcomes
    }

    /// Runs triggered in one transaction.
    public static let unitsPerTransaction = 100

    static func trigger(district: String, period: Period, by identity: Identity, autoApprove: Bool, forced: Bool,
                        on connection: PostgresConnection) async throws -> Outcome {
        let by = identity.name
        var runID: Int64?
        var generation: Int32 = 1
        for try await (id, gen) in try await connection.send(
            RunSQL.insertRun(district: district, period: period, by: by, autoApprove: autoApprove, forced: forced), logger: Database.quiet
        ).decode((Int64, Int32).self) {
            (runID, generation) = (id, gen)
        }
        if runID == nil {
            if let existing = try await RunSQL.lockExisting(district: district, period: period, on: connection) {
                guard (try? RunStateMachine(existing.state).triggerAgain()) != nil else {
                    return .alreadyTriggered(district: district, runID: existing.id, state: existing.state)
                }
                runID = existing.id
                for try await next in try await connection.send(
                    RunSQL.restartRun(id: existing.id, by: by, autoApprove: autoApprove, forced: forced), logger: Database.quiet).decode(Int32.self) {
                    generation = next
                }
            }
        }
        guard let runID else { throw StoreError.invalidJob("district \(district) is not in the districts table") }
        let job = try NewJob(kind: JobKind.plan, districtCode: district, encoding: PlanArgs(runID: runID, generation: generation, period: period.description),
                             uniqueKey: "plan:\(district):\(period):\(generation)")
        let enqueued = try await JobQueue.enqueue(job, on: connection)
        try await RunSQL.recordTrigger(runID: runID, token: identity.tokenID, on: connection)
        try await AuditLog.append(AuditEntry(by: identity, autoApprove ? .autoApprove : .triggerRun, district: district, period: period,
                                             subject: "run \(runID)", after: ["state": "planning", "generation": .number(Int64(generation)),
                                                                             "auto_approve": .flag(autoApprove), "forced": .flag(forced)]),
                                  on: connection)
        return .started(district: district, runID: runID, planJobID: enqueued.id)
    }
}
