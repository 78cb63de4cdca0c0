-- A transfer's update stays on its page without touching an index (HOT) only when no indexed
-- column changes, and a partial index's condition counts as indexed. `on_rails` (migration 14)
-- was computed from the state and indexed, and flipped when a transfer got its outcome: in the
-- payout benchmark (1,000,000, issue 25) 47 % of the 1.6 million updates after approval were not
-- HOT, each writing a new entry in every index of the table. The index now holds a run's bank and
-- wallet transfers by their rail, which no update changes; every statement that read it names the
-- states it wants (failed, accepted or pending, in a batch and submitted, approved as seen) as
-- before. Without the stored generated column, a disbursement written or updated computes nothing
-- more.
DROP INDEX disbursements_on_rails;
ALTER TABLE disbursements DROP COLUMN on_rails;
CREATE INDEX disbursements_transfers ON disbursements (run_id) WHERE rail <> 'cash';
