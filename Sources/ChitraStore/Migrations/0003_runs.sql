-- The monthly run: one per district and period; its snapshot of the register, the entitlement
-- lines it computed, and one disbursement per beneficiary and period.

CREATE TYPE run_state AS ENUM ('planning', 'computing', 'computed', 'approved', 'completed', 'failed', 'cancelled');

CREATE TABLE runs (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    district_code text NOT NULL REFERENCES districts,
    period        date NOT NULL CHECK (extract(day FROM period) = 1),
    state         run_state NOT NULL DEFAULT 'planning',
    -- Triggering again after a cancellation computes afresh under a new generation.
    generation    integer NOT NULL DEFAULT 1,
    triggered_by  text NOT NULL,
    auto_approve  boolean NOT NULL DEFAULT false,
    approved_by   text,
    approved_at   timestamptz,
    -- The snapshot: the district's last register import when the run was planned. Beneficiaries
    -- added later are not members; those changed later are read from run_members.
    register_import_id bigint,
    members       integer,
    members_done  integer NOT NULL DEFAULT 0,
    shards        integer,
    shards_done   integer NOT NULL DEFAULT 0,
    last_error    text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (district_code, period)
);

-- Copy-on-write of the snapshot: when an import changes a beneficiary while a run of its district
-- computes, the row as it stood at the plan is kept here first (versions as parallel arrays,
-- version 1 included), and the run reads it instead of the register. Most runs have none.
CREATE TABLE run_members (
    run_id           bigint  NOT NULL REFERENCES runs,
    beneficiary_id   text    NOT NULL,
    district_code    text    NOT NULL,
    eligible_from    date    NOT NULL,
    eligible_until   date,
    deceased_on      date,
    paid_through     date,
    payment_method   text    NOT NULL,
    version_numbers  integer[] NOT NULL,
    version_from     date[]  NOT NULL,
    version_programs text[]  NOT NULL,
    version_categories text[] NOT NULL,
    PRIMARY KEY (run_id, beneficiary_id)
);

-- Control totals: count and sum of the run's disbursements by program and rail, added by each
-- shard in the transaction that writes its disbursements.
CREATE TABLE run_totals (
    run_id        bigint NOT NULL REFERENCES runs,
    program       text   NOT NULL,
    rail          text   NOT NULL,
    district_code text   NOT NULL,
    count         bigint NOT NULL,
    amount_vnd    bigint NOT NULL,
    PRIMARY KEY (run_id, program, rail)
);

-- Lines keyed by (beneficiary, run period, month, kind): computing a run again writes nothing new,
-- while a later run may add a correction for the same month.
CREATE TABLE entitlement_lines (
    beneficiary_id text   NOT NULL,
    run_period     date   NOT NULL,
    month          date   NOT NULL,
    kind           text   NOT NULL CHECK (kind IN ('regular', 'arrear', 'recovery', 'funeral')),
    amount_vnd     bigint NOT NULL,
    district_code  text   NOT NULL,
    run_id         bigint NOT NULL,
    PRIMARY KEY (beneficiary_id, run_period, month, kind)
);

-- One disbursement per beneficiary and period: the key is the idempotency key.
CREATE TABLE disbursements (
    beneficiary_id       text   NOT NULL,
    period               date   NOT NULL,
    district_code        text   NOT NULL,
    run_id               bigint NOT NULL,
    program              text   NOT NULL,
    amount_vnd           bigint NOT NULL CHECK (amount_vnd >= 0),
    pending_recovery_vnd bigint NOT NULL DEFAULT 0 CHECK (pending_recovery_vnd >= 0),
    method               text   NOT NULL,
    rail                 text   NOT NULL,
    state                text   NOT NULL DEFAULT 'computed',
    end_to_end_id        text   NOT NULL UNIQUE CHECK (char_length(end_to_end_id) <= 35),
    attempts             integer NOT NULL DEFAULT 0,
    created_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (beneficiary_id, period)
);
-- A run's disbursements (approval, totals, export). With the beneficiary after the run, the shards of
-- one run insert into distinct parts of the index instead of all into the last page of one key.
CREATE INDEX disbursements_run ON disbursements (run_id, beneficiary_id);

ALTER TABLE runs ENABLE ROW LEVEL SECURITY;
ALTER TABLE run_members ENABLE ROW LEVEL SECURITY;
ALTER TABLE run_totals ENABLE ROW LEVEL SECURITY;
ALTER TABLE entitlement_lines ENABLE ROW LEVEL SECURITY;
ALTER TABLE disbursements ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON runs
    USING (district_code = ANY (string_to_array(current_setting('chitra.districts', true), ',')));
CREATE POLICY tenant ON run_members
    USING (district_code = ANY (string_to_array(current_setting('chitra.districts', true), ',')));
CREATE POLICY tenant ON run_totals
    USING (district_code = ANY (string_to_array(current_setting('chitra.districts', true), ',')));
CREATE POLICY tenant ON entitlement_lines
    USING (district_code = ANY (string_to_array(current_setting('chitra.districts', true), ',')));
CREATE POLICY tenant ON disbursements
    USING (district_code = ANY (string_to_array(current_setting('chitra.districts', true), ',')));
