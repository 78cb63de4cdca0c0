import ChitraCore
import PostgresNIO

/// Where a run's money stands: count and sum of its disbursements by state. Once every one is
/// terminal and the month closed on the statements, the run is completed and this, its
/// reconciliation, is recorded on it: Σ approved = Σ settled + Σ paid + Σ paid in cash + Σ returned
/// + Σ stopped (`paid` remains only on wallets, which no statement of the unit's shows).
public struct RunSettlement: Sendable, Hashable, Codable {
    public struct Amounts: Sendable, Hashable, Codable {
        public var count: Int
        public var amountVND: Int64

        static let zero = Amounts(count: 0, amountVND: 0)
        static func + (lhs: Amounts, rhs: Amounts) -> Amounts { Amounts(count: lhs.count + rhs.count, amountVND: lhs.amountVND + rhs.amountVND) }
    }

    public var byState: [String: Amounts]

    public var total: Amounts { byState.values.reduce(.zero, +) }

    /// Without its outcome yet: approved, on its way, or on a cash list.
    public var inFlight: Amounts {
        byState.filter { !(DisbursementState(rawValue: $0.key)?.hasOutcome ?? false) }.values.reduce(.zero, +)
    }

    /// One line: each state with its count and sum, in the order money settles.
    public var line: String {
        let order: [DisbursementState] = [.settled, .paid, .paidCash, .returned, .stopped, .computed, .approved, .submitted, .accepted, .pending,
                                          .failed, .cashInstructed]
        return order.compactMap { state in
            byState[state.rawValue].map { "\(state.rawValue) \($0.count) · \(Money(dong: $0.amountVND))" }
        }.joined(separator: "; ")
    }

    /// The settlement of each of `runIDs`, counted from their disbursements.
    public static func of(runIDs: [Int64], database: Database) async throws -> [Int64: RunSettlement] {
        var result: [Int64: RunSettlement] = [:]
        let rows = try await database.query(RunSettlementSQL.byState(runIDs: runIDs), "count the settlement of runs")
        for try await (run, state, count, amount) in rows.decode((Int64, String, Int64, Int64).self) {
            result[run, default: RunSettlement(byState: [:])].byState[state] = Amounts(count: Int(count), amountVND: amount)
        }
        return result
    }

    /// Those of `runIDs` that are approved and whose every disbursement has its outcome become
    /// `paidOut`, and those whose month the statements already allow to close `completed`
    /// (`RunClosing`): a month with no transfer by bank closes at once.
    static func completeIfSettled(runIDs: [Int64], on connection: PostgresConnection) async throws -> Finished {
        let outcomes = DisbursementState.allCases.filter(\.hasOutcome).map(\.rawValue)
        var paidOut: [Int64] = []
        for try await run in try await connection.send(RunSettlementSQL.payOutIfSettled(runIDs: runIDs, outcomes: outcomes),
                                                        logger: Database.quiet).decode(Int64.self) { paidOut.append(run) }
        let completed = try await RunClosing.closeIfReconciled(runIDs: paidOut, on: connection)
        return Finished(paidOut: paidOut.sorted(), completed: completed)
    }

    /// The runs a step paid out, and those of them whose month closed with it.
    public struct Finished: Sendable, Hashable {
        public var paidOut: [Int64]
        public var completed: [Int64]

        /// " Run 4 is paid out: …", or "" when no run was.
        public var sentence: String {
            let open = paidOut.filter { !completed.contains($0) }
            var text = ""
            if !completed.isEmpty {
                text += " Run\(completed.count == 1 ? "" : "s") \(completed.map(String.init).joined(separator: ", ")) "
                    + "\(completed.count == 1 ? "is" : "are") completed: every disbursement has its outcome, none on a bank statement."
            }
            if !open.isEmpty {
                text += " Run\(open.count == 1 ? "" : "s") \(open.map(String.init).joined(separator: ", ")) \(open.count == 1 ? "is" : "are") paid out: "
                    + "every disbursement has its outcome; the month closes on the bank's statements (`chitra statements report`)."
            }
            return text
        }
    }
}

/// The statements of a run's settlement.
enum RunSettlementSQL {
    static func byState(runIDs: [Int64]) -> PostgresQuery {
        """
        SELECT d.run_id, \(unescaped: DisbursementStateSQL.seenState(run: "r.state")), count(*), sum(d.amount_vnd)::int8
        FROM disbursements d JOIN runs r ON r.id = d.run_id WHERE d.run_id = ANY(\(runIDs)::int8[])
        GROUP BY 1, 2
        """
    }

    static func payOutIfSettled(runIDs: [Int64], outcomes: [String]) -> PostgresQuery {
        """
        UPDATE runs SET state = 'paid_out', paid_out_at = now(), updated_at = now()
        WHERE id = ANY(\(runIDs)::int8[]) AND state = 'approved'
          AND NOT EXISTS (SELECT 1 FROM disbursements d WHERE d.run_id = runs.id AND d.state <> ALL(\(outcomes)::text[]))
        RETURNING id
        """
    }

    /// The runs of the disbursements named by EndToEndId.
    static func runOf(district: String, period: Period) -> PostgresQuery {
        "SELECT id FROM runs WHERE unit_code = \(district) AND period = \(period)"
    }
}
