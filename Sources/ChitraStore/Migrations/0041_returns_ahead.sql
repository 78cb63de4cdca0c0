-- Statements taken in out of order: money back for a transfer already returned waits (`ahead`)
-- for the second debit it gives back, which a statement not yet taken in brings; the debit, when it
-- comes, is a duplicate given back at once (the entry becomes `recalled`). An entry still ahead
-- once the account's statements are in without a gap from before the payment through its day is
-- a return of nothing: a break (`invalid_return`). A month does not close while one waits.
ALTER TABLE statement_entries DROP CONSTRAINT statement_entries_outcome_check;
ALTER TABLE statement_entries ADD CONSTRAINT statement_entries_outcome_check
    CHECK (outcome IN ('settled', 'returned', 'waiting', 'recalled', 'charge', 'pending', 'other', 'break', 'ahead'));
CREATE INDEX statement_entries_ahead ON statement_entries (account) WHERE outcome = 'ahead';
