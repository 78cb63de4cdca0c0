import ChitraCore
import PostgresNIO

/// The statements of the queue's maintenance: leadership, rescue of dead workers' jobs, pruning.
enum MaintenanceSQL {
    /// Transaction-scoped leadership: one maintenance pass at a time across every process.
    static let leaderLockKey: Int64 = 0x0C41_7241_0002

    static var tryLead: PostgresQuery {
        "SELECT pg_try_advisory_xact_lock(\(leaderLockKey))"
    }

    /// Jobs whose lease expired go back to the queue with their attempt counted (it was made at
    /// claim time), or are discarded when that was the last attempt. A discarded job of a run
    /// (its plan, or a shard's compute) fails that run with the reason in the same statement: its
    /// worker died on every attempt, and the run must not wait for a job that will never come back.
    static func rescue(limit: Int) -> PostgresQuery {
        """
        WITH expired AS (
            SELECT id FROM jobs WHERE state = 'running' AND lease_expires_at < now()
            ORDER BY lease_expires_at LIMIT \(limit) FOR UPDATE SKIP LOCKED
        ), rescued AS (
        UPDATE jobs SET
            state = (CASE WHEN jobs.attempt >= jobs.max_attempts THEN 'discarded' ELSE 'retryable' END)::job_state,
            finalized_at = CASE WHEN jobs.attempt >= jobs.max_attempts THEN now() END,
            run_at = now(),
            last_error = 'worker ' || coalesce(jobs.lease_owner, '?') || ' stopped renewing its lease (it died or lost the database)',
            errors = jobs.errors || jsonb_build_array(jsonb_build_object('attempt', jobs.attempt, 'at', now(),
                     'error', 'worker ' || coalesce(jobs.lease_owner, '?') || ' stopped renewing its lease')),
            lease_owner = NULL, lease_expires_at = NULL
        FROM expired WHERE jobs.id = expired.id
        RETURNING jobs.id, jobs.kind, jobs.state, jobs.args, jobs.attempt, jobs.max_attempts
        ), failed_runs AS (
            UPDATE runs SET state = 'failed', updated_at = now(),
                last_error = 'its ' || r.kind || ' job ' || r.id || ' was discarded: the worker running it died or stopped on every '
                             || 'attempt (' || r.attempt || ' of ' || r.max_attempts || ')'
            FROM rescued r
            WHERE r.state = 'discarded' AND r.kind IN ('plan', 'compute') AND runs.state IN ('planning', 'computing')
              AND runs.id = (CASE WHEN r.args->>'runID' ~ '^[0-9]{1,18}$' THEN (r.args->>'runID')::bigint END)
              AND runs.generation = (CASE WHEN r.args->>'generation' ~ '^[0-9]{1,9}$' THEN (r.args->>'generation')::int END)
        )
        SELECT id FROM rescued
        """
    }

    /// Deletes finished jobs older than their retention, a bounded batch at a time.
    static func prune(completedFor: Duration, failedFor: Duration, limit: Int) -> PostgresQuery {
        """
        WITH old AS (
            SELECT id FROM jobs
            WHERE (state = 'completed' AND finalized_at < now() - \(completedFor.wholeMilliseconds) * interval '1 millisecond')
               OR (state IN ('discarded', 'cancelled') AND finalized_at < now() - \(failedFor.wholeMilliseconds) * interval '1 millisecond')
            LIMIT \(limit) FOR UPDATE SKIP LOCKED
        )
        DELETE FROM jobs USING old WHERE jobs.id = old.id RETURNING jobs.id
        """
    }
}
