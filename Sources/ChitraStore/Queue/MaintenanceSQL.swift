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
    /// claim time), or are discarded when that was the last attempt. Returns the discarded jobs of
    /// runs (plans and shards' computes), which `failRuns` then fails in the same transaction.
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
        RETURNING jobs.id, jobs.kind, jobs.state, jobs.unit_code, jobs.args, jobs.attempt, jobs.max_attempts
        )
        SELECT id, (state = 'discarded' AND kind = ANY (\(RunJobKind.computing))), kind, unit_code,
               CASE WHEN args->>'runID' ~ '^[0-9]{1,18}$' THEN (args->>'runID')::bigint END,
               CASE WHEN args->>'generation' ~ '^[0-9]{1,9}$' THEN (args->>'generation')::int END,
               attempt, max_attempts
        FROM rescued
        """
    }

    /// A discarded job of a run fails that run with the reason: its worker died on every attempt,
    /// and the run must not wait for a job that will never come back. (Runs are tenant rows: the
    /// transaction's scope names their districts first.)
    static func failRuns(_ jobs: [DiscardedRunJob]) -> PostgresQuery {
        """
        UPDATE runs SET state = 'failed', updated_at = now(),
            last_error = 'its ' || r.kind || ' job ' || r.id || ' was discarded: the worker running it died or stopped on every '
                         || 'attempt (' || r.attempt || ' of ' || r.max_attempts || ')'
        FROM unnest(\(jobs.map(\.id))::int8[], \(jobs.map(\.kind))::text[], \(jobs.map(\.runID))::int8[],
                    \(jobs.map(\.generation))::int4[], \(jobs.map(\.attempt))::int4[], \(jobs.map(\.maxAttempts))::int4[])
             AS r(id, kind, run_id, generation, attempt, max_attempts)
        WHERE runs.state IN ('planning', 'computing') AND runs.id = r.run_id AND runs.generation = r.generation
        """
    }

    struct DiscardedRunJob {
        var id: Int64, kind: String, district: String, runID: Int64, generation: Int32, attempt: Int32, maxAttempts: Int32
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
