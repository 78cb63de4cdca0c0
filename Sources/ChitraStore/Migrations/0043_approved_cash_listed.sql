-- Cash that a run approved before migration 13 left `approved` goes on the post office's list
-- here, as the submit step did at its next pass (`approved` → `cash_instructed`, the move
-- `DisbursementStateMachine` makes on `send`). Since migration 33 approval writes no
-- disbursement, so no cash is stored `approved` any more, and migration 44 takes the cash rail
-- out of the index the submit step read it through. Applying it again changes nothing.
SELECT set_config('chitra.every_unit', 'on', true);
UPDATE disbursements SET state = 'cash_instructed' WHERE rail = 'cash' AND state = 'approved';
SELECT set_config('chitra.every_unit', 'off', true);
