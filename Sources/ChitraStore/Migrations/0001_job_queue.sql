-- The job queue: one table shared by every worker on every machine.
-- States follow River: available -> running -> completed | retryable | discarded | cancelled.

CREATE TYPE job_state AS ENUM ('available', 'running', 'retryable', 'completed', 'discarded', 'cancelled');

CREATE TABLE jobs (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind             text        NOT NULL CHECK (kind <> ''),
    district_code    text        NOT NULL CHECK (district_code ~ '^[0-9]{3}$'),
    args             jsonb       NOT NULL DEFAULT '{}'::jsonb,
    unique_key       text,
    state            job_state   NOT NULL DEFAULT 'available',
    priority         smallint    NOT NULL DEFAULT 0,
    attempt          integer     NOT NULL DEFAULT 0 CHECK (attempt >= 0),
    max_attempts     integer     NOT NULL DEFAULT 20 CHECK (max_attempts > 0),
    run_at           timestamptz NOT NULL DEFAULT now(),
    created_at       timestamptz NOT NULL DEFAULT now(),
    attempted_at     timestamptz,
    finalized_at     timestamptz,
    lease_owner      text,
    lease_expires_at timestamptz,
    last_error       text,
    errors           jsonb       NOT NULL DEFAULT '[]'::jsonb
);

-- A unique key holds while the job is alive or done; a cancelled or discarded job frees it.
CREATE UNIQUE INDEX jobs_unique_key ON jobs (unique_key)
    WHERE unique_key IS NOT NULL AND state NOT IN ('cancelled', 'discarded');

-- The claim index: per district (fairness skip-scan), then priority, then due time.
CREATE INDEX jobs_claimable ON jobs (district_code, priority, run_at, id)
    WHERE state IN ('available', 'retryable');

-- The rescuer's index: running jobs by lease expiry.
CREATE INDEX jobs_running_lease ON jobs (lease_expires_at) WHERE state = 'running';

-- No index on finalized_at: each would cost every completion an index insert; the pruner runs
-- rarely (MaintenanceConfiguration.pruneInterval) and scans.

-- A canary table for diagnostic jobs: `probe.record` writes its job id here in the same
-- transaction that completes the job, so a deployment can prove exactly-once execution.
CREATE TABLE job_probe_receipts (
    job_id      bigint      PRIMARY KEY,
    worker      text        NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
