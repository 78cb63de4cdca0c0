import ChitraCore
import Foundation
import PostgresNIO

/// Cancelling a run before approval: its unapproved lines and disbursements and its snapshot are
/// removed, its waiting jobs cancelled; a compute job still running rolls back when it finds the
/// run cancelled. Triggering the run again computes afresh under a new generation.
public enum RunCancellation {
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case noRun(district: String, period: String)
        case tooLate(district: String, period: String, state: String)

        public var description: String {
            switch self {
            case .noRun(let district, let period): "District \(district) has no run for \(period)."
            case .tooLate(let district, let period, let state):
                "The run of district \(district) for \(period) is \(state); only a run not yet approved can be cancelled."
            }
        }
    }

    /// Returns how many disbursements were removed.
    @discardableResult
    public static func cancel(district: String, period: Period, database: Database) async throws -> Int {
        try await database.transaction("cancel the run of district \(district)") { connection in
            var run: (id: Int64, state: String)?
            for try await row in try await connection.query("""
                SELECT id, state::text FROM runs WHERE district_code = \(district) AND period = \("\(period)-01")::date FOR UPDATE
                """, logger: Database.quiet).decode((Int64, String).self) {
                run = row
            }
            guard let run else { throw Failure.noRun(district: district, period: period.description) }
            guard ["planning", "computing", "computed"].contains(run.state) else {
                throw Failure.tooLate(district: district, period: period.description, state: run.state)
            }
            var removed = 0
            for try await count in try await connection.query("""
                WITH gone AS (DELETE FROM disbursements WHERE run_id = \(run.id) AND state = 'computed' RETURNING 1)
                SELECT count(*) FROM gone
                """, logger: Database.quiet).decode(Int64.self) {
                removed = Int(count)
            }
            try await connection.query("DELETE FROM entitlement_lines WHERE run_id = \(run.id)", logger: Database.quiet)
            try await connection.query("DELETE FROM run_members WHERE run_id = \(run.id)", logger: Database.quiet)
            try await connection.query("""
                UPDATE jobs SET state = 'cancelled', finalized_at = now(), last_error = 'the run was cancelled'
                WHERE kind IN ('plan', 'compute') AND district_code = \(district) AND state IN ('available', 'retryable')
                  AND (args->>'runID')::bigint = \(run.id)
                """, logger: Database.quiet)
            try await connection.query("UPDATE runs SET state = 'cancelled', updated_at = now() WHERE id = \(run.id)",
                                       logger: Database.quiet)
            return removed
        }
    }
}
