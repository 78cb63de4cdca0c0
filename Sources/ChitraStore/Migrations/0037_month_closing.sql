-- Closing a month (issue 28). A run whose every disbursement has its outcome was `completed` on the
-- bank's status reports alone; now it is `paid_out`, and becomes `completed` only when the paying
-- account's statements close it: every transfer the bank accepted debited (settled) or come back
-- (returned), the statements in without a gap up to the day it was paid out, and no break open.
-- A month of which the bank accepted no transfer closes at once. Its reconciliation and report are
-- frozen then.
ALTER TYPE run_state ADD VALUE 'paid_out' BEFORE 'completed';

-- The day its last outcome came in (the cash closed after the post office's deadline): the
-- statements must reach it.
ALTER TABLE runs ADD COLUMN paid_out_at timestamptz;
GRANT INSERT (paid_out_at), UPDATE (paid_out_at) ON runs TO chitra_app;

-- The new value cannot be used as a `run_state` in this transaction: the functions compare text.
CREATE OR REPLACE FUNCTION run_transition_allowed(old_state run_state, new_state run_state) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT old_state = new_state OR (old_state::text, new_state::text) IN (
        ('planning', 'computing'), ('planning', 'computed'), ('planning', 'approved'), ('planning', 'failed'), ('planning', 'cancelled'),
        ('computing', 'computed'), ('computing', 'approved'), ('computing', 'failed'), ('computing', 'cancelled'),
        ('computed', 'approved'), ('computed', 'cancelled'),
        ('approved', 'paid_out'), ('paid_out', 'completed'),
        ('failed', 'planning'), ('failed', 'computing'), ('failed', 'cancelled'),
        ('cancelled', 'planning'))
$$;

CREATE OR REPLACE FUNCTION disbursement_state_seen(stored text, rail text, run run_state) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN stored = 'computed' AND run::text IN ('approved', 'paid_out', 'completed')
                THEN CASE WHEN rail = 'cash' THEN 'cash_instructed' ELSE 'approved' END
                ELSE stored END
$$;

-- Runs already completed on the bank's word stay completed: they were closed by the rules of
-- their day.
