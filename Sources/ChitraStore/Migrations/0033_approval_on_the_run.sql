-- Approval is written on the run, not on each of its disbursements.
--
-- Approving a run wrote every one of its disbursements (transfers `approved` with their creditor,
-- cash `cash_instructed`), only for the next step to write each again: batching the transfers,
-- confirming the cash. In the payout benchmark of a million those two statements were the
-- database's fourth-largest cost (38 s of its 282 in 14 calls) and stood between the approval and
-- the first transfer (issue 25). A disbursement now stays `computed` when its run is approved; an
-- approved run's `computed` transfer is approved, waiting for the rails, and its `computed` cash is
-- on the post office's list. Batching writes the transfer's creditor with its batch, and the post
-- office's confirmation (or the return of what it did not pay) takes a computed cash payment
-- straight to its end. Runs approved before keep their `approved` and `cash_instructed` rows,
-- which every step still takes.
--
-- `disbursement_state_seen` is the state a person is shown (and the one the reports count), the
-- same as `DisbursementState.seen(stored:rail:runState:)`.
CREATE FUNCTION disbursement_state_seen(stored text, rail text, run run_state) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN stored = 'computed' AND run IN ('approved', 'completed')
                THEN CASE WHEN rail = 'cash' THEN 'cash_instructed' ELSE 'approved' END
                ELSE stored END
$$;

-- The changes a row may make, now also straight from `computed` (approved on its run): to a batch,
-- paid in cash, returned unpaid. The statements that make them ask that the run be approved.
CREATE OR REPLACE FUNCTION disbursement_transition_allowed(old_state text, new_state text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT old_state = new_state OR (old_state, new_state) IN (
        ('computed', 'approved'), ('computed', 'cash_instructed'), ('computed', 'stopped'),
        ('computed', 'submitted'), ('computed', 'paid_cash'), ('computed', 'returned'),
        ('approved', 'submitted'), ('approved', 'cash_instructed'), ('approved', 'stopped'),
        ('submitted', 'accepted'), ('submitted', 'pending'), ('submitted', 'paid'), ('submitted', 'failed'), ('submitted', 'stopped'),
        ('accepted', 'pending'), ('accepted', 'paid'), ('accepted', 'failed'), ('accepted', 'stopped'),
        ('pending', 'paid'), ('pending', 'failed'), ('pending', 'stopped'),
        ('failed', 'submitted'), ('failed', 'cash_instructed'),
        ('cash_instructed', 'paid_cash'), ('cash_instructed', 'returned'))
$$;
