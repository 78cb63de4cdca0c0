import ChitraCore
import ChitraLocal
import ChitraStore
import Foundation
import PostgresNIO

/// Checks a district's first run against the calculator, from scratch: every beneficiary entitled
/// by the period has exactly one disbursement of the calculator's amount on the rail of its
/// method, the lines are exactly the calculator's (none missing, none twice), and the run's
/// recorded control totals equal both its disbursements and the calculator's sums. Returns every
/// discrepancy found, as sentences (none when all holds).
public enum FirstRunAudit {
    public static func check(period: Period, policy: PolicyTable, database: Database) async throws -> [String] {
        let calculator = EntitlementCalculator(policy: policy)
        var problems: [String] = []
        var expectedLines: Set<String> = []
        var expectedPayments: [String: String] = [:]
        var expectedTotals: [Int64: RunApproval.ControlTotals] = [:]
        var runOf: [String: Int64] = [:]
        for try await (id, district) in try await database.client.query(RunAuditSQL.runs(period: period)).decode((Int64, String).self) {
            runOf[district] = id
        }
        let register = try await database.client.query(RunAuditSQL.register(period: period))
        for try await (id, district, from, until, deceased, paid, program, category, method) in register.decode(
            (String, String, String, String?, String?, String?, String, String, String).self) {
            guard let from = Period(from), let program = Program(rawValue: program), let method = PaymentMethod(rawValue: method) else {
                problems.append("\(id): unreadable register row")
                continue
            }
            let facts = BeneficiaryFacts(eligibleFrom: from, eligibleUntil: until.flatMap { Period($0) },
                                         deceasedOn: deceased.flatMap { Day($0) }, paidThrough: paid.flatMap { Period($0) })
            let result = try calculator.compute(period: period, facts: facts,
                                                versions: [RegisterVersion(sequence: 1, validFrom: from, program: program, category: category)],
                                                history: PaymentHistory())
            guard !result.lines.isEmpty else { continue }
            for line in result.lines { expectedLines.insert("\(id)|\(line.month)|\(line.kind.rawValue)|\(line.amount.dong)") }
            let rail = Rail(method: method).rawValue
            expectedPayments[id] = "\(result.disbursement.dong)|\(rail)|\(program.rawValue)"
            if let run = runOf[district] {
                expectedTotals[run, default: RunApproval.ControlTotals()].add(program: program.rawValue, rail: rail, count: 1,
                                                                              amount: result.disbursement.dong)
            } else {
                problems.append("district \(district) has no run for \(period)")
            }
        }

        var lines: [String] = []
        for try await (id, month, kind, amount) in try await database.client.query(RunAuditSQL.lines(period: period)).decode((String, String, String, Int64).self) {
            lines.append("\(id)|\(month)|\(kind)|\(amount)")
        }
        let lineSet = Set(lines)
        if lines.count != lineSet.count { problems.append("\(lines.count - lineSet.count) entitlement lines are written twice") }
        let missing = expectedLines.subtracting(lineSet), extra = lineSet.subtracting(expectedLines)
        if !missing.isEmpty { problems.append("\(missing.count) lines missing, e.g. \(missing.sorted().prefix(3))") }
        if !extra.isEmpty { problems.append("\(extra.count) lines not the calculator's, e.g. \(extra.sorted().prefix(3))") }

        var payments: [String: String] = [:]
        var count = 0
        for try await (id, amount, rail, program) in try await database.client.query(RunAuditSQL.disbursements(period: period)).decode((String, Int64, String, String).self) {
            payments[id] = "\(amount)|\(rail)|\(program)"
            count += 1
        }
        if count != payments.count { problems.append("\(count - payments.count) beneficiaries have more than one disbursement") }
        let unpaid = Set(expectedPayments.keys).subtracting(payments.keys)
        if !unpaid.isEmpty { problems.append("\(unpaid.count) beneficiaries have no disbursement, e.g. \(unpaid.sorted().prefix(3))") }
        let wrong = payments.filter { expectedPayments[$0.key] != $0.value }
        if !wrong.isEmpty {
            problems.append("\(wrong.count) disbursements differ from the calculator, e.g. "
                + wrong.keys.sorted().prefix(3).map { "\($0): \(payments[$0]!) instead of \(expectedPayments[$0] ?? "none")" }.joined(separator: ", "))
        }

        for (district, run) in runOf.sorted(by: { $0.key < $1.key }) {
            let (recorded, counted) = try await database.transaction("control totals of run \(run)") { connection in
                (try await RunApproval.controlTotals(runID: run, on: connection),
                 try await RunApproval.disbursementTotals(runID: run, on: connection))
            }
            let expected = expectedTotals[run] ?? RunApproval.ControlTotals()
            if recorded != counted { problems.append("district \(district): recorded totals \(recorded) but disbursements sum to \(counted)") }
            if recorded != expected { problems.append("district \(district): recorded totals \(recorded) but the calculator's are \(expected)") }
        }
        return problems
    }
}
