-- Paying out by bank and wallet: the batches sent (one payment file or wallet batch each), and on
-- each disbursement what the rails said of it.

-- A batch is written before it is sent (prepared), marked posting in its own commit just before the
-- request goes out, and answered once every transfer in it has a known outcome. A batch found
-- posting after a crash or a lost answer is never posted again: its transfers are inquired.
CREATE TABLE transfer_batches (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id    text   NOT NULL UNIQUE CHECK (message_id ~ '^[A-Za-z0-9]{1,35}$'),
    run_id        bigint NOT NULL REFERENCES runs,
    district_code text   NOT NULL,
    rail          text   NOT NULL CHECK (rail IN ('bank', 'wallet')),
    institution   text   NOT NULL,
    state         text   NOT NULL DEFAULT 'prepared' CHECK (state IN ('prepared', 'posting', 'answered')),
    transfers     integer NOT NULL CHECK (transfers > 0),
    amount_vnd    bigint NOT NULL CHECK (amount_vnd > 0),
    -- Finance's re-run that made it, if any.
    requested_by  text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    posted_at     timestamptz,
    answered_at   timestamptz,
    last_error    text
);
CREATE INDEX transfer_batches_run ON transfer_batches (run_id);
ALTER TABLE transfer_batches ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON transfer_batches
    USING (district_code = ANY (string_to_array(current_setting('chitra.districts', true), ',')));

CREATE FUNCTION refuse_batch_transition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT ((OLD.state, NEW.state) IN (('prepared', 'posting'), ('posting', 'answered'))) THEN
        RAISE EXCEPTION 'transfer batch % cannot go from % to %', OLD.message_id, OLD.state, NEW.state USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER transfer_batch_transition BEFORE UPDATE OF state ON transfer_batches
    FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state) EXECUTE FUNCTION refuse_batch_transition();

ALTER TABLE disbursements
    -- The creditor as first sent (from the register version in force for the period): every
    -- resend carries the same EndToEndId to the same account.
    ADD COLUMN institution      text,
    ADD COLUMN account          text,
    ADD COLUMN account_name     text,
    -- The batch that holds it now.
    ADD COLUMN batch_id         bigint REFERENCES transfer_batches,
    -- The last rejection: its ISO 20022 reason code, whether it may pass, and when it is sent again
    -- (null: not automatically; it waits for finance).
    ADD COLUMN failure_reason   text CHECK (failure_reason ~ '^[A-Z0-9]{4}$'),
    ADD COLUMN failure_retryable boolean,
    ADD COLUMN retry_at         timestamptz,
    -- When an accepted or pending transfer is next asked about.
    ADD COLUMN inquire_at       timestamptz,
    ADD COLUMN retried_by       text,
    ADD COLUMN fallback_reason  text,
    ADD COLUMN fallback_by      text;
CREATE INDEX disbursements_batch ON disbursements (batch_id) WHERE batch_id IS NOT NULL;
-- The work of the rails' driver: what is due for a retry or an inquiry.
CREATE INDEX disbursements_due ON disbursements (run_id, state) WHERE state IN ('failed', 'accepted', 'pending');

-- The bank says the beneficiary died (MD07): the Labour office must be told.
ALTER TABLE beneficiaries ADD COLUMN deceased_reported_at timestamptz;

-- The day of the month from which every still-failed transfer of the district falls back to cash
-- by itself, so that people are paid before the month ends (null: only finance does it).
ALTER TABLE districts ADD COLUMN cash_fallback_day integer CHECK (cash_fallback_day BETWEEN 1 AND 28);
