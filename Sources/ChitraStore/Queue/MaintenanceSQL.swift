import Foundation
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
    /// claim time), or are discarded when that was the last attempt. Returns each job's id and whether it
    /// was a run's (a plan or a shard's compute) and discarded, which `failRuns` then fails in the same transaction.
    static func rescue(limit: Int, at now: Date?) -> PostgresQuery {
        """
        WITH expired AS (
            SELECT id FROM jobs WHERE state = 'running' AND lease_expires_at < coalesce(\(now)::timestamptz, now())
            ORDER BY lease_expires_at LIMIT \(limit) FOR UPDATE SKIP LOCKED
        ), rescued AS (
        UPDATE jobs SET
            state = (CASE WHEN jobs.attempt >= jobs.max_attempts THEN 'discarded' ELSE 'retryable' END)::job_state,
            finalized_at = CASE WHEN jobs.attempt >= jobs.max_attempts THEN coalesce(\(now)::timestamptz, now()) END,
            run_at = coalesce(\(now)::timestamptz, now()),
            last_error = 'worker ' || coalesce(jobs.lease_owner, '?') || ' stopped renewing its lease (it died or lost the database)',
            errors = jobs.errors || jsonb_build_array(jsonb_build_object('attempt', jobs.attempt, 'at', coalesce(\(now)::timestamptz, now()),
                     'error', 'worker ' || coalesce(jobs.lease_owner, '?') || ' stopped renewing its lease')),
            lease_owner = NULL, lease_expires_at = NULL
        FROM expired WHERE jobs.id = expired.id
        RETURNING jobs.id, jobs.kind, jobs.state
        )
        SELECT id, (state = 'discarded' AND kind = ANY (\(JobKind.computing)))
        FROM rescued
        """
    }

    /// A discarded job of a run fails that run with the reason: its worker died on every attempt,
    /// and the run must not wait for a job that will never come back. The database's function checks
    /// each job (discarded, of a run, of that run's unit): the queue needs no scope of the runs' units
    /// (migration 28).
    static func failRuns(jobIDs: [Int64]) -> PostgresQuery {
        "SELECT chitra_fail_runs_of_discarded_jobs(\(jobIDs)::int8[])"
    }

    /// Deletes finished jobs older than their retention, a bounded batch at a time.
    static func prune(completedFor: Duration, failedFor: Duration, limit: Int, at now: Date?) -> PostgresQuery {
        """
        WITH old AS (
            SELECT id FROM jobs
            WHERE (state = 'completed' AND finalized_at < coalesce(\(now)::timestamptz, now()) - \(completedFor.wholeMilliseconds) * interval '1 millisecond')
               OR (state IN ('discarded', 'cancelled') AND finalized_at < coalesce(\(now)::timestamptz, now()) - \(failedFor.wholeMilliseconds) * interval '1 millisecond')
            LIMIT \(limit) FOR UPDATE SKIP LOCKED
        )
        DELETE FROM jobs USING old WHERE jobs.id = old.id RETURNING jobs.id
        """
    }
}
