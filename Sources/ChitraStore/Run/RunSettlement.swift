import ChitraCore
import PostgresNIO

/// Where a run's money stands: count and sum of its disbursements by state. Once every one is
/// terminal the run is completed and this, its reconciliation, is recorded on it:
/// Σ approved = Σ paid + Σ paid in cash + Σ returned + Σ stopped.
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

    /// Completes those of `runIDs` that are approved and whose every disbursement has its outcome,
    /// recording their reconciliation and freezing their report; returns the runs completed.
    static func completeIfSettled(runIDs: [Int64], on connection: PostgresConnection) async throws -> [Int64] {
        let terminal = DisbursementState.allCases.filter(\.hasOutcome).map(\.rawValue)
        var completed: [Int64] = []
        for try await run in try await connection.send(RunSettlementSQL.completeIfSettled(runIDs: runIDs, terminal: terminal),
                                                        logger: Database.quiet).decode(Int64.self) { completed.append(run) }
        try await MonthlyReports.freeze(runIDs: completed, on: connection)
        return completed.sorted()
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

    static func completeIfSettled(runIDs: [Int64], terminal: [String]) -> PostgresQuery {
        """
        UPDATE runs SET state = 'completed', updated_at = now(),
            reconciliation = (SELECT jsonb_object_agg(state, jsonb_build_object('count', n, 'amount_vnd', total))
                              FROM (SELECT state, count(*) AS n, sum(amount_vnd) AS total FROM disbursements
                                    WHERE run_id = runs.id GROUP BY state) s)
        WHERE id = ANY(\(runIDs)::int8[]) AND state = 'approved'
          AND NOT EXISTS (SELECT 1 FROM disbursements d WHERE d.run_id = runs.id AND d.state <> ALL(\(terminal)::text[]))
        RETURNING id
        """
    }

    /// The runs of the disbursements named by EndToEndId.
    static func runOf(district: String, period: Period) -> PostgresQuery {
        "SELECT id FROM runs WHERE unit_code = \(district) AND period = \(period)"
    }
}
