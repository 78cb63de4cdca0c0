-- Every shard of a run is a record: the plan writes them, a compute job completes its own shard
-- exactly once (a second job for a done shard changes nothing), and the run moves on when every
-- shard is done. Control totals are recorded per shard; the run's are their sum.

CREATE TYPE run_shard_state AS ENUM ('pending', 'done');

CREATE TABLE run_shards (
    run_id        bigint  NOT NULL REFERENCES runs,
    shard         integer NOT NULL,
    district_code text    NOT NULL,
    generation    integer NOT NULL,
    lower_id      text    NOT NULL,
    upper_id      text,
    state         run_shard_state NOT NULL DEFAULT 'pending',
    members       integer,
    disbursements integer,
    amount_vnd    bigint,
    -- The compute job that completed it, and on which of its attempts.
    job_id        bigint,
    attempt       integer,
    done_at       timestamptz,
    PRIMARY KEY (run_id, shard),
    CHECK ((state = 'done') = (done_at IS NOT NULL))
);
ALTER TABLE run_shards ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON run_shards
    USING (district_code = ANY (string_to_array(current_setting('chitra.districts', true), ',')));

-- Runs computing (or failed) when this migration runs get their shards' records from their
-- compute jobs: done when the job completed, pending otherwise (a resume enqueues those).
INSERT INTO run_shards (run_id, shard, district_code, generation, lower_id, upper_id, state, done_at)
SELECT DISTINCT ON (r.id, (j.args->>'shard')::int)
       r.id, (j.args->>'shard')::int, j.district_code, r.generation, j.args->>'lower', j.args->>'upper',
       (CASE WHEN j.state = 'completed' THEN 'done' ELSE 'pending' END)::run_shard_state,
       CASE WHEN j.state = 'completed' THEN coalesce(j.finalized_at, now()) END
FROM jobs j JOIN runs r ON r.id = (j.args->>'runID')::bigint AND r.generation = (j.args->>'generation')::int
WHERE j.kind = 'compute' AND r.state IN ('computing', 'failed') AND j.args ? 'shard' AND j.args ? 'lower'
ORDER BY r.id, (j.args->>'shard')::int, (j.state = 'completed') DESC;

-- Totals by shard: each shard inserts its own rows (no shared row to update, so no lock between
-- shards, or between a shard and a cancel); the run's control totals are the sum.
ALTER TABLE run_totals ADD COLUMN shard integer NOT NULL DEFAULT 0;
ALTER TABLE run_totals DROP CONSTRAINT run_totals_pkey;
ALTER TABLE run_totals ADD PRIMARY KEY (run_id, shard, program, rail);
ALTER TABLE run_totals ALTER COLUMN shard DROP DEFAULT;

-- A failed run resumed: its jobs get fresh unique keys.
ALTER TABLE runs ADD COLUMN resumes integer NOT NULL DEFAULT 0;

-- States, methods, rails and programs are closed sets (ChitraCore's enums).
ALTER TABLE disbursements
    ADD CONSTRAINT disbursements_state_known CHECK (state IN ('computed', 'approved', 'submitted', 'accepted', 'pending', 'paid',
        'failed', 'cash_instructed', 'paid_cash', 'returned', 'stopped')),
    ADD CONSTRAINT disbursements_method_known CHECK (method IN ('bank', 'wallet', 'cash', 'cash_home')),
    ADD CONSTRAINT disbursements_rail_known CHECK (rail IN ('bank', 'wallet', 'cash')),
    ADD CONSTRAINT disbursements_rail_of_method CHECK (rail = CASE method WHEN 'cash_home' THEN 'cash' ELSE method END),
    ADD CONSTRAINT disbursements_program_known CHECK (program IN ('ncc', 'btxh'));
ALTER TABLE run_totals
    ADD CONSTRAINT run_totals_rail_known CHECK (rail IN ('bank', 'wallet', 'cash')),
    ADD CONSTRAINT run_totals_program_known CHECK (program IN ('ncc', 'btxh'));
ALTER TABLE beneficiaries
    ADD CONSTRAINT beneficiaries_method_known CHECK (payment_method IN ('bank', 'wallet', 'cash', 'cash_home')),
    ADD CONSTRAINT beneficiaries_program_known CHECK (program IN ('ncc', 'btxh'));
ALTER TABLE run_members
    ADD CONSTRAINT run_members_method_known CHECK (payment_method IN ('bank', 'wallet', 'cash', 'cash_home'));

-- The allowed changes of state (RunState.allowed and DisbursementState.allowed; a test holds the
-- two in step). Anything else is refused by the database itself.
CREATE FUNCTION run_transition_allowed(old_state run_state, new_state run_state) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT old_state = new_state OR (old_state::text, new_state::text) IN (
        ('planning', 'computing'), ('planning', 'computed'), ('planning', 'approved'), ('planning', 'failed'), ('planning', 'cancelled'),
        ('computing', 'computed'), ('computing', 'approved'), ('computing', 'failed'), ('computing', 'cancelled'),
        ('computed', 'approved'), ('computed', 'cancelled'),
        ('approved', 'completed'),
        ('failed', 'planning'), ('failed', 'computing'), ('failed', 'cancelled'),
        ('cancelled', 'planning'))
$$;

CREATE FUNCTION disbursement_transition_allowed(old_state text, new_state text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT old_state = new_state OR (old_state, new_state) IN (
        ('computed', 'approved'), ('computed', 'stopped'),
        ('approved', 'submitted'), ('approved', 'cash_instructed'), ('approved', 'stopped'),
        ('submitted', 'accepted'), ('submitted', 'pending'), ('submitted', 'paid'), ('submitted', 'failed'), ('submitted', 'stopped'),
        ('accepted', 'pending'), ('accepted', 'paid'), ('accepted', 'failed'), ('accepted', 'stopped'),
        ('pending', 'paid'), ('pending', 'failed'), ('pending', 'stopped'),
        ('failed', 'submitted'), ('failed', 'cash_instructed'),
        ('cash_instructed', 'paid_cash'), ('cash_instructed', 'returned'))
$$;

CREATE FUNCTION refuse_run_transition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT run_transition_allowed(OLD.state, NEW.state) THEN
        RAISE EXCEPTION 'run % cannot go from % to %', OLD.id, OLD.state, NEW.state USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER run_transition BEFORE UPDATE OF state ON runs
    FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state) EXECUTE FUNCTION refuse_run_transition();

-- One check per statement over every row it changed: bulk updates (approving a million
-- disbursements) stay one join, not a function call per row.
CREATE FUNCTION refuse_disbursement_transitions() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    SELECT o.beneficiary_id, o.state AS old_state, n.state AS new_state INTO bad
    FROM old_rows o JOIN new_rows n ON n.beneficiary_id = o.beneficiary_id AND n.period = o.period
    WHERE NOT disbursement_transition_allowed(o.state, n.state) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'the disbursement of beneficiary % cannot go from % to %', bad.beneficiary_id, bad.old_state, bad.new_state
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER disbursement_transitions AFTER UPDATE ON disbursements
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_disbursement_transitions();
