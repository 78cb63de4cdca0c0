-- A second debit is owed back until the money comes back, whatever finance did with its break: a
-- duplicate closed with a note before the bank gave it back is still owed, and the credit that
-- brings it is the second debit recovered, not an invalid return. Each transfer's duplicates are
-- counted, closed or not, when a statement names it.
CREATE INDEX statement_breaks_duplicates ON statement_breaks (end_to_end_id) WHERE kind = 'duplicate';
