-- The queue serves payout units, not only districts: a district (3 digits) for months before
-- 2025-07, a commune, ward or special zone (5 digits) from then on. A job's unit is checked to be
-- one or the other; the claim rotates over the units (JobSQL.claim) so that with 3,321 communes
-- none waits behind the others' backlogs.
ALTER TABLE jobs DROP CONSTRAINT jobs_district_code_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_unit_code_check CHECK (district_code ~ '^([0-9]{3}|[0-9]{5})$');
