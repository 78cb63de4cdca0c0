-- The account a district pays from: the debtor of its payment files (name, account, bank by its
-- Napas BIN). Until it is set, nothing of the district can be sent by bank.
ALTER TABLE districts
    ADD COLUMN paying_account_name text CHECK (char_length(paying_account_name) BETWEEN 1 AND 140),
    ADD COLUMN paying_account      text CHECK (paying_account ~ '^[0-9]{6,19}$'),
    ADD COLUMN paying_bank         text CHECK (paying_bank ~ '^[0-9]{6}$'),
    ADD CONSTRAINT districts_paying_account_whole
        CHECK ((paying_account_name IS NULL) = (paying_account IS NULL) AND (paying_account IS NULL) = (paying_bank IS NULL));
