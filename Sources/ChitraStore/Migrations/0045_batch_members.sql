-- A batch keeps the beneficiaries it was made of (issue 25: facts of the batch on the batch).
-- Loading a batch's transfers (to send it, to inquire, to see whether it is answered) found them
-- among every transfer of its run, by the run's index, and read each one: since migration 44 a
-- transfer answered stays in that index (its outcome is a HOT update), so each load of a batch of a
-- commune's month read its tens of thousands of transfers. The members are now looked up one by one
-- in the run's index (`TransferSQL.inBatch`); a member since moved to another batch (sent again) is
-- in that one, by its `batch_id`. Batches made before: their members are the transfers they hold,
-- gathered in one pass over the batched transfers (a lookup per batch would read its run's
-- transfers once for each of its batches).
ALTER TABLE transfer_batches ADD COLUMN members text[];
SELECT set_config('chitra.every_unit', 'on', true);
UPDATE transfer_batches t SET members = m.members
FROM (SELECT batch_id, array_agg(beneficiary_id) AS members FROM disbursements WHERE batch_id IS NOT NULL GROUP BY batch_id) m
WHERE m.batch_id = t.id;
UPDATE transfer_batches SET members = '{}' WHERE members IS NULL;
SELECT set_config('chitra.every_unit', 'off', true);
ALTER TABLE transfer_batches ALTER COLUMN members SET NOT NULL;
