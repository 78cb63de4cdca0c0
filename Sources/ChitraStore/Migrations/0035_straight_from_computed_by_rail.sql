-- Straight from `computed` (approved on its run, migration 33) a transfer goes only into a batch,
-- and cash only to the post office's answer: computed cash never `submitted`, a computed bank or
-- wallet transfer never `paid_cash` or `returned` as if the post office had it. A second row
-- trigger whose condition needs no call (no cost unless it refuses), beside the transition table
-- that knows no rails.
CREATE TRIGGER disbursement_transition_by_rail BEFORE UPDATE OF state ON disbursements
    FOR EACH ROW WHEN (OLD.state = 'computed' AND (NEW.state = 'submitted' AND OLD.rail = 'cash'
                                                  OR NEW.state IN ('paid_cash', 'returned') AND OLD.rail <> 'cash'))
    EXECUTE FUNCTION refuse_disbursement_transition();
