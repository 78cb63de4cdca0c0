import ChitraCore
import PostgresNIO

/// `chitra cash close`: after the post office's deadline, the cash of a district and month still
/// unconfirmed is `returned` (by the policy rule, its months are owed again in the next run), and
/// the run, every disbursement with its outcome, is paid out (and completed when its month has no
/// transfer by bank for the statements to settle).
public enum CashClosing {
    public struct Outcome: Sendable, Hashable, CustomStringConvertible {
        public var district: String
        public var period: String
        public var returned: Int
        public var returnedVND: Int64
        /// The run paid out by the closing, and whether its month closed with it.
        public var paidOutRun: Int64?
        public var completedRun: Int64?

        public var description: String {
            "Closed the cash of district \(district) for \(period): \(returned) unconfirmed payment\(returned == 1 ? "" : "s") of "
                + "\(Money(dong: returnedVND)) returned, owed again next month."
                + RunSettlement.Finished(paidOut: paidOutRun.map { [$0] } ?? [], completed: completedRun.map { [$0] } ?? []).sentence
        }
    }

    /// The cash awaiting confirmation changed between what a person was shown and the closing:
    /// nothing was returned.
    public struct Changed: Error, Sendable, Hashable, CustomStringConvertible {
        public var expected: Int
        public var found: Int
        public var description: String {
            "The cash awaiting confirmation changed while you decided (\(expected) shown, \(found) now): nothing was returned. Look again."
        }
    }

    /// `expecting`: how many unconfirmed payments the person was shown; another count closes nothing.
    public static func close(district: String, period: Period, by identity: Identity, expecting expected: Int? = nil,
                             database: Database) async throws -> Outcome {
        let person = identity.name
        let (returned, _) = try DisbursementStateMachine(state: .cashInstructed, attempts: 0, rail: .cash).handle(.cashReturned)
        return try await database.transaction("close the cash of district \(district)") { connection in
            var count = 0, amount: Int64 = 0
            for try await (rows, sum) in try await connection.send(
                CashClosingSQL.returnUnconfirmed(district: district, period: period, to: returned, by: person),
                logger: Database.quiet).decode((Int64, Int64).self) { (count, amount) = (Int(rows), sum) }
            if let expected, expected != count { throw Changed(expected: expected, found: count) }
            var runs: [Int64] = []
            for try await run in try await connection.send(RunSettlementSQL.runOf(district: district, period: period), logger: Database.quiet)
                .decode(Int64.self) { runs.append(run) }
            let finished = try await RunSettlement.completeIfSettled(runIDs: runs, on: connection)
            try await AuditLog.append(AuditEntry(by: identity, .closeCash, district: district, period: period, subject: "cash of \(period)",
                                                 after: ["returned": .number(Int64(count)), "returned_vnd": .number(amount)]), on: connection)
            return Outcome(district: district, period: period.description, returned: count, returnedVND: amount, paidOutRun: finished.paidOut.first,
                           completedRun: finished.completed.first)
        }
    }
}

/// The statements of closing a month's cash.
enum CashClosingSQL {
    /// What is still on the month's cash list (`cash_instructed` as seen: stored so, or computed
    /// cash of the approved run) goes to `to`.
    static func returnUnconfirmed(district: String, period: Period, to: DisbursementState, by: String) -> PostgresQuery {
        """
        WITH closed AS (
            UPDATE disbursements d SET state = \(to.rawValue), confirmed_by = \(by)
            FROM runs u
            WHERE d.unit_code = \(district) AND d.period = \(period) AND u.id = d.run_id
              AND \(unescaped: DisbursementStateSQL.seen(.cashInstructed, runApproved: "u.state = 'approved'"))
            RETURNING d.amount_vnd
        )
        SELECT count(*), coalesce(sum(amount_vnd), 0)::int8 FROM closed
        """
    }
}
