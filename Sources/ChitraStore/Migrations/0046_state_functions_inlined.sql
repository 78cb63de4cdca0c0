-- The state functions compare run states as run states again, so that PostgreSQL inlines them.
-- Migration 37 added `paid_out` to `run_state` and, unable to use the new value in its own
-- transaction, compared the run's state as text. An enum's text is its output function, which is
-- STABLE (it reads the catalogue), and PostgreSQL does not inline an IMMUTABLE SQL function whose
-- body is less than immutable: `disbursement_state_seen` then ran as a query of its own at every
-- row it was asked of (executor started and ended each time). In `psql`, a million rows: 0.74–0.80 s
-- called, 0.07 s inlined; in the payout benchmark's reconciliation it was a sixth of the
-- database's CPU (`perf`: the SQL function executor and the executor's start-up under it).
CREATE OR REPLACE FUNCTION disbursement_state_seen(stored text, rail text, run run_state) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN stored = 'computed' AND run IN ('approved', 'paid_out', 'completed')
                THEN CASE WHEN rail = 'cash' THEN 'cash_instructed' ELSE 'approved' END
                ELSE stored END
$$;

CREATE OR REPLACE FUNCTION run_transition_allowed(old_state run_state, new_state run_state) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT old_state = new_state OR (old_state, new_state) IN (
        ('planning', 'computing'), ('planning', 'computed'), ('planning', 'approved'), ('planning', 'failed'), ('planning', 'cancelled'),
        ('computing', 'computed'), ('computing', 'approved'), ('computing', 'failed'), ('computing', 'cancelled'),
        ('computed', 'approved'), ('computed', 'cancelled'),
        ('approved', 'paid_out'), ('paid_out', 'completed'),
        ('failed', 'planning'), ('failed', 'computing'), ('failed', 'cancelled'),
        ('cancelled', 'planning'))
$$;
