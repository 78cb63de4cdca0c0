-- The beneficiary register: districts (the tenants), beneficiaries with their versions, imports.

CREATE TABLE districts (
    code              text PRIMARY KEY CHECK (code ~ '^[0-9]{3}$'),
    province_code     text NOT NULL CHECK (province_code ~ '^[0-9]{2}$'),
    name              text NOT NULL,
    -- The last month computed by a run; an import's change without change_from applies from the
    -- month after it.
    computed_through  date,
    approval_required boolean NOT NULL DEFAULT true
);

INSERT INTO districts (code, province_code, name) VALUES
    ('954', '95', 'TP Bạc Liêu'), ('956', '95', 'Hồng Dân'), ('957', '95', 'Phước Long'),
    ('958', '95', 'Vĩnh Lợi'), ('959', '95', 'TX Giá Rai'), ('960', '95', 'Đông Hải'), ('961', '95', 'Hòa Bình');

CREATE TABLE register_imports (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    district_code   text NOT NULL REFERENCES districts,
    content_sha256  text NOT NULL,
    file_name       text NOT NULL,
    row_count       integer NOT NULL,
    new_count       integer NOT NULL,
    changed_count   integer NOT NULL,
    unchanged_count integer NOT NULL,
    left_count      integer NOT NULL,
    imported_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (district_code, content_sha256)
);

-- One row per person: the facts about them and a copy of the version now in force.
-- district_code and the import ids carry no foreign keys: the importer checks the district once
-- per file, and a key check per row would cost a million lookups on a million-row import.
CREATE TABLE beneficiaries (
    beneficiary_id  text PRIMARY KEY,
    district_code   text NOT NULL,
    full_name       text NOT NULL,
    cccd            text,
    phone           text,
    commune_code    text NOT NULL,
    eligible_from   date NOT NULL,
    eligible_until  date,
    paid_through    date,
    deceased_on     date,
    program         text NOT NULL,
    category        text NOT NULL,
    payment_method  text NOT NULL,
    bank_code       text,
    account_number  text,
    account_name    text,
    wallet_provider text,
    wallet_id       text,
    recipient       text NOT NULL,
    recipient_name  text,
    recipient_cccd  text,
    current_version integer NOT NULL,
    account_review  boolean NOT NULL DEFAULT false,
    first_import_id bigint NOT NULL,
    last_import_id  bigint NOT NULL
);
CREATE INDEX beneficiaries_district ON beneficiaries (district_code, beneficiary_id);

-- Every change of category, payment method, account or recipient, valid from a month. Version 1
-- is implicit while a beneficiary never changed: it is the beneficiaries row itself, valid from
-- eligible_from. The first change writes version 1 (from the row, before it is updated) and
-- version 2 here. Most people never change, so a first import writes one row per person, not two.
-- Written only by the importer, with the beneficiary it belongs to (hence no foreign key: its
-- per-row check was half the cost of an import).
CREATE TABLE beneficiary_versions (
    beneficiary_id  text NOT NULL,
    version         integer NOT NULL,
    district_code   text NOT NULL,
    valid_from      date NOT NULL,
    import_id       bigint NOT NULL,
    program         text NOT NULL,
    category        text NOT NULL,
    payment_method  text NOT NULL,
    bank_code       text,
    account_number  text,
    account_name    text,
    wallet_provider text,
    wallet_id       text,
    recipient       text NOT NULL,
    recipient_name  text,
    recipient_cccd  text,
    PRIMARY KEY (beneficiary_id, version)
);

-- Tenancy: a session sees the districts named in chitra.districts ('954,956'), set per
-- transaction with SET LOCAL. The owner (migrations, the importer) is not bound by it; the
-- application role is.
ALTER TABLE beneficiaries ENABLE ROW LEVEL SECURITY;
ALTER TABLE beneficiary_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE register_imports ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON beneficiaries
    USING (district_code = ANY (string_to_array(current_setting('chitra.districts', true), ',')));
CREATE POLICY tenant ON beneficiary_versions
    USING (district_code = ANY (string_to_array(current_setting('chitra.districts', true), ',')));
CREATE POLICY tenant ON register_imports
    USING (district_code = ANY (string_to_array(current_setting('chitra.districts', true), ',')));
