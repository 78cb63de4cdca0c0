import ChitraCore
import PostgresNIO

/// The cash rail's part of a run's submit step: every approved disbursement on the cash rail
/// (`cash`, `cash_home`) goes on the post office's list, `cash_instructed`. An approved run's cash
/// is on the list without a write (`DisbursementState.seen`), so this finds only what a run approved
/// by an older version left `approved`. `DisbursementStateMachine` decides the state; one guarded
/// statement writes it for the whole run, so that running the step again changes nothing.
public enum CashInstruction {
    /// Moves the run's approved cash disbursements to the post office's list; returns how many moved
    /// and how many approved disbursements wait for the other rails.
    public static func instruct(runID: Int64, database: Database) async throws -> (instructed: Int, waitingForOtherRails: Int) {
        let (next, _) = try DisbursementStateMachine(state: .approved, attempts: 0, rail: .cash).handle(.send)
        return try await database.transaction("put run \(runID)'s cash on the post office's list") { connection in
            var moved = 0
            for try await count in try await connection.send(CashSQL.instruct(runID: runID, from: .approved, to: next), logger: Database.quiet)
                .decode(Int64.self) { moved = Int(count) }
            var waiting = 0
            for try await count in try await connection.send(CashSQL.waitingForOtherRails(runID: runID), logger: Database.quiet)
                .decode(Int64.self) { waiting = Int(count) }
            return (moved, waiting)
        }
    }
}

/// The statements of the cash rail.
enum CashSQL {
    static func instruct(runID: Int64, from: DisbursementState, to: DisbursementState) -> PostgresQuery {
        """
        WITH moved AS (
            UPDATE disbursements SET state = \(to.rawValue)
            WHERE run_id = \(runID) AND on_rails AND rail = \(Rail.cash.rawValue) AND state = \(from.rawValue)
              AND EXISTS (SELECT 1 FROM runs WHERE id = \(runID) AND state = 'approved')
            RETURNING 1
        )
        SELECT count(*) FROM moved
        """
    }

    static func waitingForOtherRails(runID: Int64) -> PostgresQuery {
        let approved = DisbursementStateSQL.seen(.approved, runApproved: "(SELECT r.state FROM runs r WHERE r.id = \(runID)) = 'approved'")
        return "SELECT count(*) FROM disbursements d WHERE d.run_id = \(runID) AND d.on_rails AND d.rail <> \(Rail.cash.rawValue) AND \(unescaped: approved)"
    }

    /// The post office's list of a district and month: who is paid in cash, where, how much. Found
    /// through the runs of that district and month (their index), not by a scan of every district's
    /// disbursements. An approved run's cash is on the list as computed (DisbursementState.seen).
    static func list(district: String, period: Period, commune: String?) -> PostgresQuery {
        """
        SELECT d.end_to_end_id, d.beneficiary_id, b.full_name, coalesce(b.cccd, ''), b.commune_code, d.amount_vnd,
               b.recipient, coalesce(b.recipient_name, ''), d.method = 'cash_home'
        FROM runs r JOIN disbursements d ON d.run_id = r.id JOIN beneficiaries b ON b.beneficiary_id = d.beneficiary_id
        WHERE r.unit_code = \(district) AND r.period = \(period)
          AND d.unit_code = \(district) AND d.period = \(period) AND \(unescaped: DisbursementStateSQL.seen(.cashInstructed, runApproved: "r.state = 'approved'"))
          AND (\(commune)::text IS NULL OR b.commune_code = \(commune))
        ORDER BY b.commune_code, d.beneficiary_id
        """
    }
}
