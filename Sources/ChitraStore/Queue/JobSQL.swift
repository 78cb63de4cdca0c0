import Foundation
import ChitraCore
import PostgresNIO

/// Every statement of the job queue, by name. Values interpolated into a `PostgresQuery` are
/// bound parameters, never spliced text.
enum JobSQL {
    /// The channel that enqueues NOTIFY and sleeping workers LISTEN on.
    static let channel = "chitra_jobs"

    /// Jobs in one statement, through `unnest`: the id and unique key of each inserted (a job whose
    /// key a live job holds is skipped). NOTIFY fires once per statement (delivered at commit), not
    /// once per job.
    static func insert(_ jobs: [NewJob], at now: Date?) -> PostgresQuery {
        let epoch = Date(timeIntervalSince1970: 0)
        let kinds = jobs.map(\.kind)
        let districts = jobs.map(\.districtCode)
        let args = jobs.map(\.args)
        let keys = jobs.map { $0.uniqueKey ?? "" }
        let priorities = jobs.map(\.priority)
        let attempts = jobs.map(\.maxAttempts)
        let runAts = jobs.map { $0.runAt ?? epoch }
        return """
            WITH input AS (
                SELECT * FROM unnest(\(kinds)::text[], \(districts)::text[], \(args)::text[], \(keys)::text[],
                                     \(priorities)::int2[], \(attempts)::int4[], \(runAts)::timestamptz[])
                    WITH ORDINALITY AS t(kind, unit_code, args, unique_key, priority, max_attempts, run_at, n)
            ), inserted AS (
                INSERT INTO jobs (kind, unit_code, args, unique_key, priority, max_attempts, run_at)
                SELECT kind, unit_code, args::jsonb, NULLIF(unique_key, ''), priority, max_attempts,
                       CASE WHEN run_at = 'epoch' THEN coalesce(\(now)::timestamptz, now()) ELSE run_at END
                FROM input ORDER BY n
                ON CONFLICT (unique_key) WHERE unique_key IS NOT NULL AND state NOT IN ('cancelled', 'discarded')
                DO NOTHING
                RETURNING id, unique_key
            ), notified AS (
                SELECT pg_notify('\(unescaped: channel)', '') WHERE EXISTS (SELECT 1 FROM inserted)
            )
            SELECT id, unique_key FROM inserted, (SELECT count(*) FROM notified) AS n
            """
    }

    /// The live job holding `key`, after an insert skipped it.
    static func holderOfKey(_ key: String) -> PostgresQuery {
        "SELECT id FROM jobs WHERE unique_key = \(key) AND state NOT IN ('cancelled', 'discarded')"
    }

    /// Claims up to `limit` due jobs fairly across units: a skip-scan finds the units with work due
    /// now (jobs snoozed or backing off do not count), in code order from the one after `cursor`
    /// round to the start, and stops after `limit` units: each of them gets an equal share of the
    /// batch. When there are more units than the batch holds (3,321 communes) the next claim goes on
    /// where this one stopped and no unit waits behind the others' backlogs; and a claim reads at most
    /// `limit` units' first rows, never every unit's (a walk over all 3,321 took 38 ms a claim, most
    /// of the database's time in a month of the whole country). Rows are locked with SKIP LOCKED so
    /// workers never wait on each other, and the attempt is counted now.
    /// The jobs' lease is `leaseHash`, the SHA-256 of the claim's secret, with the service credential
    /// the claim presented (once per statement, not per row; migration 28).
    static func claim(limit: Int, owner: String, lease: Duration, leaseHash: [UInt8], after cursor: String?, at now: Date?) -> PostgresQuery {
        """
        WITH RECURSIVE after_cursor AS (
            (SELECT unit_code FROM jobs WHERE state IN ('available', 'retryable') AND run_at <= coalesce(\(now)::timestamptz, now())
               AND unit_code > coalesce(\(cursor)::text, '')
             ORDER BY unit_code LIMIT 1)
            UNION ALL
            SELECT (SELECT j.unit_code FROM jobs j
                    WHERE j.state IN ('available', 'retryable') AND j.run_at <= coalesce(\(now)::timestamptz, now()) AND j.unit_code > d.unit_code
                    ORDER BY j.unit_code LIMIT 1)
            FROM after_cursor d WHERE d.unit_code IS NOT NULL
        ), from_start AS (
            (SELECT unit_code FROM jobs WHERE state IN ('available', 'retryable') AND run_at <= coalesce(\(now)::timestamptz, now())
             ORDER BY unit_code LIMIT 1)
            UNION ALL
            SELECT (SELECT j.unit_code FROM jobs j
                    WHERE j.state IN ('available', 'retryable') AND j.run_at <= coalesce(\(now)::timestamptz, now()) AND j.unit_code > d.unit_code
                    ORDER BY j.unit_code LIMIT 1)
            FROM from_start d WHERE d.unit_code < coalesce(\(cursor)::text, '')
        ), rotation AS MATERIALIZED (
            SELECT unit_code, lap FROM (
                (SELECT unit_code, 0 AS lap FROM after_cursor WHERE unit_code IS NOT NULL LIMIT \(limit))
                UNION ALL
                (SELECT unit_code, 1 AS lap FROM from_start WHERE unit_code <= coalesce(\(cursor)::text, '') LIMIT \(limit))
                LIMIT \(limit)) AS walked
            ORDER BY lap, unit_code
        ), share AS (
            SELECT greatest(1, ceil(\(limit)::numeric / greatest(1, count(*))))::int AS n FROM rotation
        ), picked AS (
            SELECT c.id FROM rotation d
            CROSS JOIN LATERAL (
                SELECT j.id FROM jobs j
                WHERE j.unit_code = d.unit_code AND j.state IN ('available', 'retryable')
                  AND j.run_at <= coalesce(\(now)::timestamptz, now())
                ORDER BY j.priority, j.run_at, j.id
                LIMIT (SELECT n FROM share)
                FOR UPDATE SKIP LOCKED
            ) c
            LIMIT \(limit)
        )
        UPDATE jobs SET state = 'running', attempt = jobs.attempt + 1, attempted_at = coalesce(\(now)::timestamptz, now()),
                        lease_owner = \(owner), lease_expires_at = coalesce(\(now)::timestamptz, now()) + \(lease.wholeMilliseconds) * interval '1 millisecond',
                        lease_secret_hash = \(ByteBuffer(bytes: leaseHash)), lease_credential_id = (SELECT chitra_service_credential_id())
        FROM picked WHERE jobs.id = picked.id
        RETURNING jobs.id, jobs.kind, jobs.unit_code, jobs.args::text, jobs.attempt, jobs.max_attempts
        """
    }

    /// Records a batch of outcomes. Fenced on (owner, attempt, running): a job rescued from this
    /// worker and claimed by another is not touched.
    static func finish(_ outcomes: [JobOutcome], owner: String, at now: Date?) -> PostgresQuery {
        var ids: [Int64] = [], attempts: [Int32] = [], states: [String] = []
        var delays: [Int64] = [], errors: [String] = [], snoozed: [Bool] = [], priorities: [Int16] = [], prioritized: [Bool] = []
        ids.reserveCapacity(outcomes.count)
        for outcome in outcomes {
            ids.append(outcome.jobID)
            attempts.append(outcome.attempt)
            if case .snoozed(_, let priority?) = outcome.result {
                priorities.append(priority); prioritized.append(true)
            } else {
                priorities.append(0); prioritized.append(false)
            }
            switch outcome.result {
            case .completed:
                states.append("completed"); delays.append(0); errors.append(""); snoozed.append(false)
            case .failed(let error, let delay):
                states.append("retryable"); delays.append(delay.wholeMilliseconds); errors.append(error); snoozed.append(false)
            case .discarded(let error):
                states.append("discarded"); delays.append(0); errors.append(error); snoozed.append(false)
            case .cancelled(let reason):
                states.append("cancelled"); delays.append(0); errors.append(reason); snoozed.append(false)
            case .snoozed(let delay, _):
                states.append("available"); delays.append(delay.wholeMilliseconds); errors.append(""); snoozed.append(true)
            }
        }
        return """
            UPDATE jobs SET
                state = (CASE WHEN u.state = 'retryable' AND jobs.attempt >= jobs.max_attempts
                              THEN 'discarded' ELSE u.state END)::job_state,
                finalized_at = CASE WHEN u.state IN ('completed', 'discarded', 'cancelled')
                                      OR (u.state = 'retryable' AND jobs.attempt >= jobs.max_attempts)
                                    THEN coalesce(\(now)::timestamptz, now()) END,
                run_at = CASE WHEN u.state IN ('retryable', 'available')
                              THEN coalesce(\(now)::timestamptz, now()) + u.delay_ms * interval '1 millisecond' ELSE jobs.run_at END,
                attempt = CASE WHEN u.snoozed THEN jobs.attempt - 1 ELSE jobs.attempt END,
                priority = CASE WHEN u.prioritized THEN u.priority ELSE jobs.priority END,
                last_error = CASE WHEN u.error <> '' THEN u.error ELSE jobs.last_error END,
                errors = CASE WHEN u.error <> '' AND u.state <> 'cancelled'
                              THEN jobs.errors || jsonb_build_array(jsonb_build_object(
                                   'attempt', jobs.attempt, 'at', coalesce(\(now)::timestamptz, now()), 'error', u.error))
                              ELSE jobs.errors END,
                lease_owner = NULL, lease_expires_at = NULL
            FROM unnest(\(ids)::int8[], \(attempts)::int4[], \(states)::text[], \(delays)::int8[],
                        \(errors)::text[], \(snoozed)::bool[], \(priorities)::int2[], \(prioritized)::bool[])
                     AS u(id, attempt, state, delay_ms, error, snoozed, priority, prioritized)
            WHERE jobs.id = u.id AND jobs.attempt = u.attempt AND jobs.state = 'running'
              AND jobs.lease_owner = \(owner)
            RETURNING jobs.id
            """
    }

    /// Completes jobs that succeeded, fenced like `finish`.
    static func complete(ids: [Int64], attempts: [Int32], owner: String, at now: Date?) -> PostgresQuery {
        """
        UPDATE jobs SET state = 'completed', finalized_at = coalesce(\(now)::timestamptz, now()), lease_owner = NULL, lease_expires_at = NULL
        FROM unnest(\(ids)::int8[], \(attempts)::int4[]) AS u(id, attempt)
        WHERE jobs.id = u.id AND jobs.attempt = u.attempt AND jobs.state = 'running' AND jobs.lease_owner = \(owner)
        RETURNING jobs.id
        """
    }

    /// Completes one job inside the handler's own transaction.
    static func completeOne(id: Int64, attempt: Int32, owner: String, at now: Date? = nil) -> PostgresQuery {
        """
        UPDATE jobs SET state = 'completed', finalized_at = coalesce(\(now)::timestamptz, now()), lease_owner = NULL, lease_expires_at = NULL
        WHERE id = \(id) AND attempt = \(attempt) AND state = 'running' AND lease_owner = \(owner)
        RETURNING id
        """
    }

    /// Extends the lease of every job this worker still holds.
    static func heartbeat(ids: [Int64], owner: String, lease: Duration, at now: Date?) -> PostgresQuery {
        """
        UPDATE jobs SET lease_expires_at = coalesce(\(now)::timestamptz, now()) + \(lease.wholeMilliseconds) * interval '1 millisecond'
        WHERE id = ANY(\(ids)::int8[]) AND state = 'running' AND lease_owner = \(owner)
        RETURNING id
        """
    }

    /// Hands jobs back untouched at shutdown: available now, the attempt not counted.
    static func release(ids: [Int64], owner: String, at now: Date?) -> PostgresQuery {
        """
        UPDATE jobs SET state = 'available', attempt = greatest(jobs.attempt - 1, 0), run_at = coalesce(\(now)::timestamptz, now()),
                        lease_owner = NULL, lease_expires_at = NULL
        WHERE id = ANY(\(ids)::int8[]) AND state = 'running' AND lease_owner = \(owner)
        """
    }
}
