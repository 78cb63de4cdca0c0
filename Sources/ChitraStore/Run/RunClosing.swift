import ChitraCore
import PostgresNIO

/// Closing a paid-out month against the paying account's statements (`MonthClosing` decides): in
/// the transaction that paid it out, that took a statement in, or that closed a break. The run
/// becomes `completed` with its reconciliation recorded and its report frozen.
public enum RunClosing {
    /// Closes those of `runIDs` that are paid out and whose statements allow it; returns those closed.
    static func closeIfReconciled(runIDs: [Int64], on connection: PostgresConnection) async throws -> [Int64] {
        guard !runIDs.isEmpty else { return [] }
        var closing: [Int64] = []
        for (run, facts) in try await facts(RunClosingSQL.facts(runIDs: runIDs), on: connection) {
            // The cheap facts first: only a month they would close is asked whether a transfer is
            // still undebited (one found ends the look; none, the run's transfers read once).
            guard MonthClosing.obstacles(facts).isEmpty else { continue }
            guard try await !anyNotDebited(run: run, on: connection) else { continue }
            closing.append(run)
        }
        guard !closing.isEmpty else { return [] }
        var closed: [Int64] = []
        for try await run in try await connection.send(RunClosingSQL.close(runIDs: closing), logger: Database.quiet).decode(Int64.self) {
            closed.append(run)
        }
        try await MonthlyReports.freeze(runIDs: closed, on: connection)
        return closed.sorted()
    }

    /// The same for the paid-out runs of `unit` (after its statements or breaks changed).
    static func closeIfReconciled(unit: String, on connection: PostgresConnection) async throws -> [Int64] {
        var runs: [Int64] = []
        for try await run in try await connection.send(RunClosingSQL.paidOut(unit: unit), logger: Database.quiet).decode(Int64.self) {
            runs.append(run)
        }
        return try await closeIfReconciled(runIDs: runs, on: connection)
    }

    /// What keeps the month of `unit` open: nil when it has no paid-out run (not yet paid out, or
    /// closed already).
    public static func obstacles(unit: String, period: Period, database: Database) async throws -> [MonthClosing.Obstacle]? {
        try await database.transaction("what keeps \(unit) \(period) open") { try await obstacles(unit: unit, period: period, on: $0) }
    }

    /// The same, in the caller's transaction.
    static func obstacles(unit: String, period: Period, on connection: PostgresConnection) async throws -> [MonthClosing.Obstacle]? {
        for (run, var facts) in try await facts(RunClosingSQL.facts(unit: unit, period: period), on: connection) {
            facts.notDebited = try await notDebited(run: run, on: connection)
            return MonthClosing.obstacles(facts)
        }
        return nil
    }

    private static func facts(_ query: PostgresQuery, on connection: PostgresConnection) async throws -> [(Int64, MonthClosing.Facts)] {
        var result: [(Int64, MonthClosing.Facts)] = []
        for try await (run, paidOutOn, accepted, breaks, missing, last, ahead) in try await connection.send(query, logger: Database.quiet)
            .decode((Int64, String, Bool, Int64, Int64, String?, Int64).self) {
            guard let paidOutOn = Day(paidOutOn) else { continue }
            result.append((run, MonthClosing.Facts(acceptedOnRails: accepted, notDebited: 0, openBreaks: Int(breaks), missingStatements: Int(missing),
                                                   paidOutOn: paidOutOn, lastStatementDay: last.flatMap(Day.init), returnsAhead: Int(ahead))))
        }
        return result
    }

    private static func notDebited(run: Int64, on connection: PostgresConnection) async throws -> Int {
        for try await count in try await connection.send(RunClosingSQL.notDebited(runID: run), logger: Database.quiet).decode(Int64.self) {
            return Int(count)
        }
        return 0
    }

    private static func anyNotDebited(run: Int64, on connection: PostgresConnection) async throws -> Bool {
        for try await found in try await connection.send(RunClosingSQL.anyNotDebited(runID: run), logger: Database.quiet).decode(Bool.self) {
            return found
        }
        return false
    }
}

/// The statements of closing a month.
enum RunClosingSQL {
    static func paidOut(unit: String) -> PostgresQuery {
        "SELECT id FROM runs WHERE unit_code = \(unit) AND state = 'paid_out'"
    }

    static func facts(runIDs: [Int64]) -> PostgresQuery {
        PostgresQuery(unsafeSQL: facts(where: "r.id = ANY($1::int8[])"), binds: binds { $0.append(runIDs) })
    }

    static func facts(unit: String, period: Period) -> PostgresQuery {
        PostgresQuery(unsafeSQL: facts(where: "r.unit_code = $1 AND r.period = $2"), binds: binds { $0.append(unit); $0.append(period) })
    }

    /// A paid-out run's facts but its transfers not yet debited: run, the day it was paid out (in
    /// Vietnam), whether the bank accepted a transfer of it, open breaks, statements missing, last
    /// statement, returns waiting ahead of their second debit.
    private static func facts(where condition: String) -> String {
        """
        SELECT r.id, to_char((r.paid_out_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, 'YYYY-MM-DD'),
               EXISTS (SELECT 1 FROM disbursements d WHERE d.run_id = r.id AND d.rail <> 'cash'
                         AND (d.state IN ('paid', 'settled') OR d.state = 'returned' AND EXISTS (
                              SELECT 1 FROM statement_entries e WHERE e.end_to_end_id = d.end_to_end_id AND e.unit_code = r.unit_code))),
               (SELECT count(*) FROM statement_breaks b WHERE b.unit_code = r.unit_code AND b.state <> 'closed'),
               (SELECT coalesce(sum(missing), 0)::int8 FROM (
                    SELECT max(sequence_number) - min(sequence_number) + 1 - count(*) AS missing
                    FROM bank_statements s WHERE s.unit_code = r.unit_code AND s.kind = 'statement' GROUP BY s.account) g),
               (SELECT to_char(max(s.day), 'YYYY-MM-DD') FROM bank_statements s WHERE s.unit_code = r.unit_code AND s.kind = 'statement'),
               (SELECT count(*) FROM statement_entries e WHERE e.unit_code = r.unit_code AND e.outcome = 'ahead')
        FROM runs r WHERE \(condition) AND r.state = 'paid_out'
        """
    }

    /// Its transfers the bank accepted that no statement has yet debited or brought back.
    static func notDebited(runID: Int64) -> PostgresQuery {
        "SELECT count(*) FROM disbursements WHERE run_id = \(runID) AND rail <> 'cash' AND state = 'paid'"
    }

    static func anyNotDebited(runID: Int64) -> PostgresQuery {
        "SELECT EXISTS (SELECT 1 FROM disbursements WHERE run_id = \(runID) AND rail <> 'cash' AND state = 'paid')"
    }

    static func close(runIDs: [Int64]) -> PostgresQuery {
        """
        UPDATE runs SET state = 'completed', updated_at = now(),
            reconciliation = (SELECT jsonb_object_agg(state, jsonb_build_object('count', n, 'amount_vnd', total))
                              FROM (SELECT state, count(*) AS n, sum(amount_vnd) AS total FROM disbursements
                                    WHERE run_id = runs.id GROUP BY state) s)
        WHERE id = ANY(\(runIDs)::int8[]) AND state = 'paid_out'
        RETURNING id
        """
    }

    private static func binds(_ fill: (inout PostgresBindings) -> Void) -> PostgresBindings {
        var bindings = PostgresBindings()
        fill(&bindings)
        return bindings
    }
}
