-- Intraday notifications (issue 28): a bank's camt.054 debit/credit notification carries entries
-- alone, without balances or a place in the account's sequence of statements. It is kept beside
-- the statements, taken in once by its id; its entries are matched as a statement's are, and the
-- day's statement (camt.053) brings the same entries again, known by the bank's reference. Only
-- statements count for a month's closing: their sequence, their balances, their days.
ALTER TABLE bank_statements ADD COLUMN kind text NOT NULL DEFAULT 'statement' CHECK (kind IN ('statement', 'notification'));
ALTER TABLE bank_statements ALTER COLUMN sequence_number DROP NOT NULL;
ALTER TABLE bank_statements ALTER COLUMN opening_vnd DROP NOT NULL;
ALTER TABLE bank_statements ALTER COLUMN closing_vnd DROP NOT NULL;
ALTER TABLE bank_statements ADD CONSTRAINT bank_statements_kind_facts CHECK (
    kind = 'statement' AND sequence_number IS NOT NULL AND opening_vnd IS NOT NULL AND closing_vnd IS NOT NULL
    OR kind = 'notification' AND sequence_number IS NULL AND opening_vnd IS NULL AND closing_vnd IS NULL);
ALTER TABLE bank_statements DROP CONSTRAINT bank_statements_format_check;
ALTER TABLE bank_statements ADD CONSTRAINT bank_statements_format_check CHECK (
    format IN ('camt.053', 'mt940') AND kind = 'statement' OR format = 'camt.054' AND kind = 'notification');
CREATE UNIQUE INDEX bank_notifications_once ON bank_statements (account, statement_id) WHERE kind = 'notification';
