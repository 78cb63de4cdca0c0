-- The statement-level check of disbursement transitions joins the statement's old and new rows.
-- Transition tables have no statistics: the planner took a nested loop, quadratic in the rows
-- changed — approving a district of 143,000 disbursements ran for minutes (found by the payout
-- benchmark). Inside the check, only hash (or merge) joins: linear.
ALTER FUNCTION refuse_disbursement_transitions() SET enable_nestloop = off;
