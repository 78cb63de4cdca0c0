-- A run triggered for a month outside the usual bounds (before the policy tables, or more than one
-- month ahead) only with --force, and the run says so.
ALTER TABLE runs ADD COLUMN period_forced boolean NOT NULL DEFAULT false;
