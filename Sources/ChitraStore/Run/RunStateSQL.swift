import PostgresNIO

/// How a run moves on from computing, in one place for the plan (a run with no members) and the
/// last shard.
enum RunStateSQL {
    /// Updates the run with `set`; while `stillComputing` holds it stays `computing`, otherwise it
    /// becomes `approved` at once (auto-approve asked, or the district turned approval off) or
    /// `computed`, and the district counts the period as computed (an import's change without
    /// change_from then applies from the month after). Returns the run's new state; no row when
    /// `condition` does not hold (the run was cancelled or re-triggered meanwhile). `set`,
    /// `stillComputing` and `condition` are SQL built from integers, never from input.
    static func moveOn(runID: Int64, set: String, stillComputing: String, condition: String) -> PostgresQuery {
        let approvalOff = "NOT (SELECT approval_required FROM districts WHERE code = runs.district_code)"
        return """
            WITH moved AS (
                UPDATE runs SET \(unescaped: set), updated_at = now(),
                    state = (CASE WHEN \(unescaped: stillComputing) THEN 'computing'
                                  WHEN auto_approve OR \(unescaped: approvalOff) THEN 'approved' ELSE 'computed' END)::run_state,
                    approved_by = CASE WHEN \(unescaped: stillComputing) THEN approved_by
                                       WHEN auto_approve THEN 'auto-approve'
                                       WHEN \(unescaped: approvalOff) THEN 'approval off' ELSE approved_by END,
                    approved_at = CASE WHEN NOT (\(unescaped: stillComputing)) AND (auto_approve OR \(unescaped: approvalOff))
                                       THEN now() ELSE approved_at END
                WHERE id = \(runID) AND \(unescaped: condition)
                RETURNING state, district_code, period
            ), district AS (
                UPDATE districts SET computed_through = greatest(computed_through, moved.period)
                FROM moved WHERE districts.code = moved.district_code AND moved.state <> 'computing'
            )
            SELECT state::text FROM moved
            """
    }
}
