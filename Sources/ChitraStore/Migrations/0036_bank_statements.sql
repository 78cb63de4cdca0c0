-- Paid means the money arrived (issue 28). A pain.002 ACSC is the bank's acceptance; the paying
-- unit's account statement (camt.053, or MT940) is what shows the money leave it, come back, or
-- leave twice. Statements are taken in once each (by the account's sequence number, each entry by
-- the bank's own reference); each booked debit is matched to its transfer by EndToEndId and
-- amount, and what does not match is a break for finance to work.

-- A transfer `paid` (ACSC) becomes `settled` when its debit is on the statement, and `returned`
-- when the money comes back (a return with its reason, or a reversal), whether or not its debit
-- was seen first (statements may arrive out of order). A returned transfer's months are owed again.
ALTER TABLE disbursements DROP CONSTRAINT disbursements_state_known;
ALTER TABLE disbursements ADD CONSTRAINT disbursements_state_known CHECK (state IN ('computed', 'approved', 'submitted', 'accepted',
    'pending', 'paid', 'settled', 'failed', 'cash_instructed', 'paid_cash', 'returned', 'stopped'));

CREATE OR REPLACE FUNCTION disbursement_transition_allowed(old_state text, new_state text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT old_state = new_state OR (old_state, new_state) IN (
        ('computed', 'approved'), ('computed', 'cash_instructed'), ('computed', 'stopped'),
        ('computed', 'submitted'), ('computed', 'paid_cash'), ('computed', 'returned'),
        ('approved', 'submitted'), ('approved', 'cash_instructed'), ('approved', 'stopped'),
        ('submitted', 'accepted'), ('submitted', 'pending'), ('submitted', 'paid'), ('submitted', 'failed'), ('submitted', 'stopped'),
        ('accepted', 'pending'), ('accepted', 'paid'), ('accepted', 'failed'), ('accepted', 'stopped'),
        ('pending', 'paid'), ('pending', 'failed'), ('pending', 'stopped'),
        ('failed', 'submitted'), ('failed', 'cash_instructed'),
        ('cash_instructed', 'paid_cash'), ('cash_instructed', 'returned'),
        ('paid', 'settled'), ('paid', 'returned'), ('settled', 'returned'))
$$;

-- A transfer the bank accepted (ACSC) but no statement debits after this many banking days is
-- a break (`not_debited`): investigated with the bank, never sent again.
ALTER TABLE payout_units ADD COLUMN debit_grace_days integer NOT NULL DEFAULT 3 CHECK (debit_grace_days BETWEEN 1 AND 30);

-- One statement of a paying account: its number in the account's sequence (a gap is a statement
-- missing), its day, and its booked balances. The payout unit is the one paying from the account
-- on that day.
CREATE TABLE bank_statements (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account         text   NOT NULL CHECK (account <> ''),
    institution     text   NOT NULL,
    unit_code       text   NOT NULL REFERENCES payout_units,
    sequence_number integer NOT NULL CHECK (sequence_number > 0),
    statement_id    text   NOT NULL,
    day             date   NOT NULL,
    opening_vnd     bigint NOT NULL,
    closing_vnd     bigint NOT NULL,
    entries         integer NOT NULL CHECK (entries >= 0),
    format          text   NOT NULL CHECK (format IN ('camt.053', 'mt940')),
    sha256          text   NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    file_name       text   NOT NULL,
    imported_by     text   NOT NULL CHECK (imported_by <> ''),
    imported_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (account, sequence_number)
);
CREATE INDEX bank_statements_unit ON bank_statements (unit_code, day);

-- Each entry once, by the bank's reference. `outcome` is what reconciling it did: settled or
-- returned its transfer, waits for the transfer's answer from the rails (`waiting`), gave back a
-- second debit Chitra recalled (`recalled`), a charge, a pending entry (not final), another
-- movement of the account, or a break.
CREATE TABLE statement_entries (
    account            text    NOT NULL,
    servicer_reference text    NOT NULL CHECK (servicer_reference <> ''),
    statement          bigint  NOT NULL,
    unit_code          text    NOT NULL,
    amount_vnd         bigint  NOT NULL CHECK (amount_vnd >= 0),
    direction          text    NOT NULL CHECK (direction IN ('DBIT', 'CRDT')),
    reversal           boolean NOT NULL,
    status             text    NOT NULL CHECK (status IN ('BOOK', 'PDNG', 'INFO')),
    booking_day        date    NOT NULL,
    code               text    NOT NULL,
    end_to_end_id      text,
    return_reason      text,
    outcome            text    NOT NULL CHECK (outcome IN ('settled', 'returned', 'waiting', 'recalled', 'charge', 'pending', 'other', 'break')),
    PRIMARY KEY (account, servicer_reference)
);
CREATE INDEX statement_entries_e2e ON statement_entries (end_to_end_id) WHERE end_to_end_id IS NOT NULL;
-- Every entry names a statement taken in: checked once per statement over all the rows it inserts
-- (a foreign key checked each row, a query per entry: 44,000 entries inserted in 0.51–0.77 s with
-- it, 0.24–0.45 s without, measured in psql). Statements are never deleted.
CREATE FUNCTION refuse_entries_of_no_statement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM new_entries n WHERE NOT EXISTS (SELECT 1 FROM bank_statements s WHERE s.id = n.statement)) THEN
        RAISE EXCEPTION 'a statement entry names no statement taken in' USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER statement_entries_of_statements AFTER INSERT ON statement_entries REFERENCING NEW TABLE AS new_entries
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_entries_of_no_statement();
CREATE INDEX statement_entries_waiting ON statement_entries (unit_code) WHERE outcome = 'waiting';

-- What finance must look at: a second debit for one transfer, an amount that differs, a movement
-- for an id Chitra never sent, a debit for a transfer Chitra holds unpaid, an entry changed
-- between two deliveries, a return of what was not debited, balances that do not follow on, a
-- transfer paid that no statement debits in time. One break per entry (or transfer, or statement)
-- and kind: taking a statement in again raises none anew. A duplicate is recalled
-- at once (`recalling`: the bank asked to give the second debit back) and closes when the money is
-- back on a statement; a refused recall opens it again for finance. Closed by a person with a
-- note, or by the statement that shows the money back; never reopened.
CREATE TABLE statement_breaks (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_code          text   NOT NULL,
    account            text   NOT NULL,
    statement          bigint NOT NULL REFERENCES bank_statements,
    servicer_reference text,
    kind               text   NOT NULL CHECK (kind IN ('duplicate', 'amount', 'unknown', 'unexpected', 'changed', 'invalid_return', 'balance',
                                                      'not_debited')),
    end_to_end_id      text,
    expected_vnd       bigint,
    actual_vnd         bigint,
    detail             text   NOT NULL,
    state              text   NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'recalling', 'closed')),
    opened_at          timestamptz NOT NULL DEFAULT now(),
    -- The recall: when asked, and the bank's answer (accepted, or refused with its reason).
    recall_asked_at    timestamptz,
    recall_answer      text,
    handled_by         text,
    handled_at         timestamptz,
    note               text,
    CHECK ((state = 'closed') = (handled_by IS NOT NULL AND handled_at IS NOT NULL AND coalesce(note, '') <> '')),
    CHECK (state <> 'recalling' OR (kind = 'duplicate' AND recall_asked_at IS NOT NULL))
);
-- An entry's break by its reference, a transfer's by its EndToEndId, a statement's by the
-- statement and what it says (a statement's opening and its closing are two breaks).
CREATE UNIQUE INDEX statement_breaks_once ON statement_breaks
    (account, coalesce('entry ' || servicer_reference, 'transfer ' || end_to_end_id, 'statement ' || statement || ' ' || detail), kind);
CREATE INDEX statement_breaks_open ON statement_breaks (unit_code) WHERE state <> 'closed';
CREATE INDEX statement_breaks_outstanding ON statement_breaks (end_to_end_id) WHERE kind = 'duplicate' AND state <> 'closed';

-- The states a break may take (`StatementBreakState.canBecome`): open → recalling → closed,
-- recalling → open (the bank refused), open → closed; a closed break never changes.
CREATE FUNCTION statement_break_transition_allowed(old_state text, new_state text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT (old_state, new_state) IN (('open', 'recalling'), ('open', 'closed'), ('recalling', 'closed'), ('recalling', 'open'),
                                      ('open', 'open'), ('recalling', 'recalling'))
$$;
CREATE FUNCTION refuse_break_transition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'break % cannot go from % to %', OLD.id, OLD.state, NEW.state USING ERRCODE = 'check_violation';
END
$$;
CREATE TRIGGER statement_break_transition BEFORE UPDATE ON statement_breaks
    FOR EACH ROW WHEN (NOT statement_break_transition_allowed(OLD.state, NEW.state)) EXECUTE FUNCTION refuse_break_transition();

ALTER TABLE bank_statements ENABLE ROW LEVEL SECURITY;
ALTER TABLE bank_statements FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant ON bank_statements USING ((SELECT chitra_every_unit()) OR unit_code = ANY ((SELECT chitra_scope())::text[]));
ALTER TABLE statement_entries ENABLE ROW LEVEL SECURITY;
ALTER TABLE statement_entries FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant ON statement_entries USING ((SELECT chitra_every_unit()) OR unit_code = ANY ((SELECT chitra_scope())::text[]));
ALTER TABLE statement_breaks ENABLE ROW LEVEL SECURITY;
ALTER TABLE statement_breaks FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant ON statement_breaks USING ((SELECT chitra_every_unit()) OR unit_code = ANY ((SELECT chitra_scope())::text[]));
-- A statement is the bank's record: never changed or removed; entries change only their outcome.
REVOKE UPDATE, DELETE, TRUNCATE ON bank_statements FROM chitra_app;
REVOKE UPDATE, DELETE, TRUNCATE ON statement_entries FROM chitra_app;
GRANT UPDATE (outcome, status) ON statement_entries TO chitra_app;
REVOKE DELETE, TRUNCATE ON statement_breaks FROM chitra_app;
