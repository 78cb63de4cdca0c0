-- A batch booked as one entry (the payment file asked for batch booking): an entry that adds up is
-- taken in as the entries of its transfers (the bank's reference with /1, /2…); one whose count
-- or sum does not add up is a break of its own kind, and none of its transfers is settled by it.
ALTER TABLE statement_breaks DROP CONSTRAINT statement_breaks_kind_check;
ALTER TABLE statement_breaks ADD CONSTRAINT statement_breaks_kind_check CHECK (kind IN ('duplicate', 'amount', 'unknown', 'unexpected', 'changed',
    'invalid_return', 'balance', 'not_debited', 'batch'));
