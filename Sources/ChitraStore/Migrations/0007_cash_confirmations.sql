-- The post office's confirmations: each file once (by its content hash), and on each cash
-- disbursement it closes, the day it was paid, who received it and who recorded the file.
CREATE TABLE cash_confirmation_files (
    sha256       text PRIMARY KEY,
    file_name    text NOT NULL,
    rows         integer NOT NULL,
    paid         integer NOT NULL,
    returned     integer NOT NULL,
    confirmed_by text NOT NULL,
    confirmed_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE disbursements
    ADD COLUMN settled_on   date,
    ADD COLUMN received_by  text,
    ADD COLUMN confirmed_by text;

-- A completed run's reconciliation, frozen when it completes: count and sum of its disbursements by
-- final state (paid, paid_cash, returned, stopped), which add up to what was approved.
ALTER TABLE runs ADD COLUMN reconciliation jsonb;
