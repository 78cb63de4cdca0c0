-- A month's payout updates every disbursement three to five times (approval, batch, answer, cash
-- list, confirmation), none of them a HOT update (the state is indexed). With full pages each new
-- version went to the end of the table, every writer waiting in turn to extend it (the payout
-- benchmark: a fallback to cash cost ~0.7 ms a row). Room in each page keeps a row's new versions
-- on its own page; pruning frees the space of the old ones.
ALTER TABLE disbursements SET (fillfactor = 60);

-- Approving a run lists its cash disbursements for the post office at once (computed →
-- cash_instructed), instead of approving them and listing them again in the submit step: half a
-- million fewer updates in a province's month (DisbursementState.allowed).
CREATE OR REPLACE FUNCTION disbursement_transition_allowed(old_state text, new_state text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT old_state = new_state OR (old_state, new_state) IN (
        ('computed', 'approved'), ('computed', 'cash_instructed'), ('computed', 'stopped'),
        ('approved', 'submitted'), ('approved', 'cash_instructed'), ('approved', 'stopped'),
        ('submitted', 'accepted'), ('submitted', 'pending'), ('submitted', 'paid'), ('submitted', 'failed'), ('submitted', 'stopped'),
        ('accepted', 'pending'), ('accepted', 'paid'), ('accepted', 'failed'), ('accepted', 'stopped'),
        ('pending', 'paid'), ('pending', 'failed'), ('pending', 'stopped'),
        ('failed', 'submitted'), ('failed', 'cash_instructed'),
        ('cash_instructed', 'paid_cash'), ('cash_instructed', 'returned'))
$$;
