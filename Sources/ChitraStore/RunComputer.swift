import ChitraCore
import Foundation
import PostgresNIO

/// The `compute` step for one shard: reads the shard's snapshot and what other runs paid in
/// three statements, computes every member with the calculator, writes lines and disbursements in
/// two, and counts the shard done — all in the transaction that completes the compute job.
public enum RunComputer {
    public struct Result: Sendable, Hashable {
        public var members: Int
        public var lines: Int
        public var disbursements: Int
        /// The run's state after this shard.
        public var runState: String
    }

    public static func compute(runID: Int64, generation: Int32, shard: Int32, calculator: EntitlementCalculator,
                               on connection: PostgresConnection) async throws -> Result? {
        var run: (district: String, period: String)?
        for try await (district, period) in try await connection.query(
            RunSQL.run(id: runID, generation: generation, state: "computing", locked: false), logger: Database.quiet
        ).decode((String, String).self) {
            run = (district, period)
        }
        guard let run, let period = Period(run.period) else { return nil }
        let members = try await loadMembers(runID: runID, shard: shard, on: connection)
        let history = try await loadHistory(runID: runID, shard: shard, period: period, on: connection)

        var lineIDs: [String] = [], months: [String] = [], kinds: [String] = [], amounts: [Int64] = []
        var payIDs: [String] = [], payAmounts: [Int64] = [], pending: [Int64] = [], methods: [String] = []
        var rails: [String] = [], endToEnd: [String] = []
        for member in members {
            let result = try calculator.compute(period: period, facts: member.facts, versions: member.versions,
                                                history: history[member.id] ?? PaymentHistory())
            // Nothing owed and nothing to correct (e.g. a month another run already settled): no disbursement.
            guard !result.lines.isEmpty else { continue }
            for line in result.lines {
                lineIDs.append(member.id)
                months.append(line.month.description)
                kinds.append(line.kind.rawValue)
                amounts.append(line.amount.dong)
            }
            payIDs.append(member.id)
            payAmounts.append(result.disbursement.dong)
            pending.append(result.pendingRecovery.dong)
            methods.append(member.method.rawValue)
            rails.append(member.method.isCash ? "cash" : member.method.rawValue)
            endToEnd.append(EndToEndID.make(district: run.district, period: period, beneficiaryID: member.id))
        }
        if !lineIDs.isEmpty {
            try await connection.query(RunSQL.insertLines(runID: runID, district: run.district, period: period, ids: lineIDs,
                                                          months: months, kinds: kinds, amounts: amounts), logger: Database.quiet)
        }
        if !payIDs.isEmpty {
            try await connection.query(RunSQL.insertDisbursements(runID: runID, district: run.district, period: period, ids: payIDs,
                                                                  amounts: payAmounts, pending: pending, methods: methods,
                                                                  rails: rails, endToEndIDs: endToEnd), logger: Database.quiet)
        }
        var state: String?
        for try await next in try await connection.query(RunSQL.shardDone(runID: runID, generation: generation),
                                                         logger: Database.quiet).decode(String.self) {
            state = next
        }
        // Cancelled (or re-triggered) while this shard computed: its work must not count.
        guard let state else { throw RunChanged(runID: runID) }
        if state == "approved" { try await RunApproval.approveDisbursements(runID: runID, on: connection) }
        return Result(members: members.count, lines: lineIDs.count, disbursements: payIDs.count, runState: state)
    }

    /// The run left `computing` (cancelled, re-triggered) while a shard computed; the shard's
    /// transaction rolls back.
    public struct RunChanged: Error, CustomStringConvertible {
        public var runID: Int64
        public var description: String { "run \(runID) is no longer computing; this shard's work was rolled back" }
    }

    struct Member {
        var id: String
        var facts: BeneficiaryFacts
        var versions: [RegisterVersion]
        var method: PaymentMethod
    }

    static func loadMembers(runID: Int64, shard: Int32, on connection: PostgresConnection) async throws -> [Member] {
        var members: [Member] = []
        let rows = try await connection.query(RunSQL.members(runID: runID, shard: shard), logger: Database.quiet)
        for try await (id, from, until, deceased, paidThrough, method, numbers, froms, programs, categories) in rows.decode(
            (String, String, String?, String?, String?, String, [Int32], [String], [String], [String]).self) {
            guard let eligibleFrom = Period(from), let method = PaymentMethod(rawValue: method) else { continue }
            let facts = BeneficiaryFacts(eligibleFrom: eligibleFrom, eligibleUntil: until.flatMap { Period($0) },
                                         deceasedOn: deceased.flatMap { Day($0) }, paidThrough: paidThrough.flatMap { Period($0) })
            var versions: [RegisterVersion] = []
            for index in numbers.indices {
                guard let validFrom = Period(froms[index]), let program = Program(rawValue: programs[index]) else { continue }
                versions.append(RegisterVersion(sequence: Int(numbers[index]), validFrom: validFrom, program: program,
                                                category: categories[index]))
            }
            members.append(Member(id: id, facts: facts, versions: versions, method: method))
        }
        return members
    }

    static func loadHistory(runID: Int64, shard: Int32, period: Period, on connection: PostgresConnection) async throws -> [String: PaymentHistory] {
        var history: [String: PaymentHistory] = [:]
        let lines = try await connection.query(RunSQL.history(runID: runID, shard: shard, period: period), logger: Database.quiet)
        for try await (id, month, kind, amount) in lines.decode((String, String, String, Int64).self) {
            guard let month = Period(month) else { continue }
            if kind == LineKind.funeral.rawValue {
                history[id, default: PaymentHistory()].funeralPaid = true
            } else {
                history[id, default: PaymentHistory()].paid[month, default: .zero] += Money(dong: amount)
            }
        }
        let pending = try await connection.query(RunSQL.pendingRecoveries(runID: runID, shard: shard, period: period),
                                                 logger: Database.quiet)
        for try await (id, amount) in pending.decode((String, Int64).self) where amount > 0 {
            history[id, default: PaymentHistory()].pendingRecovery = Money(dong: amount)
        }
        return history
    }
}
