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
            var seen = Set<String>()
            targets = districts.filter { seen.insert($0).inserted }   // a unit named twice is triggered once
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
                try await Self.trigger(group, period: period, by: by, autoApprove: autoApprove, forced: forced, on: connection)
            }
        }
        return outcomes
    }

    /// Runs triggered in one transaction.
    public static let unitsPerTransaction = 100

    /// The runs of `units`, in a few statements whatever their number: the runs none had yet
    /// inserted at once; a run already there triggered again if its state allows it (its row
    /// locked and changed one by one, a rare case), else left as it is; then every plan job, the
    /// token behind the trigger and an audit entry per run, each in one statement.
    static func trigger(_ units: [String], period: Period, by identity: Identity, autoApprove: Bool, forced: Bool,
                        on connection: PostgresConnection) async throws -> [Outcome] {
        let by = identity.name
        var runs: [String: (id: Int64, generation: Int32)] = [:]
        for try await (unit, id, generation) in try await connection.send(
            RunSQL.insertRuns(units: units, period: period, by: by, token: identity.tokenID, autoApprove: autoApprove, forced: forced),
            logger: Database.quiet
        ).decode((String, Int64, Int32).self) {
            runs[unit] = (id, generation)
        }
        var left: [String: Outcome] = [:]
        var again: [Int64] = []
        for unit in units where runs[unit] == nil {
            guard let existing = try await RunSQL.lockExisting(district: unit, period: period, on: connection) else {
                throw StoreError.invalidJob("unit \(unit) is not in the payout units table")
            }
            guard (try? RunStateMachine(existing.state).triggerAgain()) != nil else {
                left[unit] = .alreadyTriggered(district: unit, runID: existing.id, state: existing.state)
                continue
            }
            var generation = existing.generation
            for try await next in try await connection.send(
                RunSQL.restartRun(id: existing.id, by: by, autoApprove: autoApprove, forced: forced), logger: Database.quiet).decode(Int32.self) {
                generation = next
            }
            runs[unit] = (existing.id, generation)
            again.append(existing.id)
        }
        if !again.isEmpty {
            try await connection.execute(RunSQL.recordTrigger(runIDs: again, token: identity.tokenID), logger: Database.quiet)
        }
        let started = units.compactMap { unit in runs[unit].map { (unit: unit, id: $0.id, generation: $0.generation) } }
        let jobs = try started.map { run in
            try NewJob(kind: JobKind.plan, districtCode: run.unit, encoding: PlanArgs(runID: run.id, generation: run.generation, period: period.description),
                       uniqueKey: planKey(run.unit, period, run.generation))
        }
        let jobIDs = jobs.isEmpty ? [:] : try await JobQueue.enqueueKeyed(jobs, on: connection)
        try await AuditLog.append(started.map { run in
            AuditEntry(by: identity, autoApprove ? .autoApprove : .triggerRun, district: run.unit, period: period, subject: "run \(run.id)",
                       after: ["state": "planning", "generation": .number(Int64(run.generation)), "auto_approve": .flag(autoApprove),
                               "forced": .flag(forced)])
        }, on: connection)
        return try units.map { unit in
            if let outcome = left[unit] { return outcome }
            guard let run = runs[unit], let job = jobIDs[planKey(unit, period, run.generation)] else {
                throw StoreError.invalidJob("the plan job of \(PayoutUnitCode.named(unit)) was neither enqueued nor found")
            }
            return .started(district: unit, runID: run.id, planJobID: job)
        }
    }

    /// A plan job's key: one live plan a run's generation.
    static func planKey(_ unit: String, _ period: Period, _ generation: Int32) -> String {
        "plan:\(unit):\(period):\(generation)"
    }
}
