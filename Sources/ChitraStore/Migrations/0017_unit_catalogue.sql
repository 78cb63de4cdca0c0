-- The catalogue of Vietnam's administrative units: every province, district and commune with its
-- validity, and the lineage between the units before and after a reform (the lists themselves
-- are loaded by the next migration, a folder of the official files, and later by
-- `chitra units load`). Codes are reused over time, so a unit is its level, code and validity:
-- two units of one level and code never overlap in time.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE units (
    level          text NOT NULL CHECK (level IN ('province', 'district', 'commune')),
    code           text NOT NULL,
    -- NULL: existed before the catalogue's first list; valid_to is exclusive, NULL: still exists.
    valid_from     date,
    valid_to       date,
    name           text NOT NULL CHECK (name <> ''),
    type           text NOT NULL CHECK (type <> ''),
    name_with_type text NOT NULL CHECK (name_with_type <> ''),
    district_code  text,
    province_code  text NOT NULL CHECK (province_code ~ '^[0-9]{2}$'),
    validity       daterange GENERATED ALWAYS AS (daterange(valid_from, valid_to, '[)')) STORED,
    CHECK (code ~ CASE level WHEN 'province' THEN '^[0-9]{2}$' WHEN 'district' THEN '^[0-9]{3}$' ELSE '^[0-9]{5}$' END),
    CHECK (valid_from IS NULL OR valid_to IS NULL OR valid_from < valid_to),
    CHECK ((level = 'commune' AND (district_code IS NULL OR district_code ~ '^[0-9]{3}$')) OR (level <> 'commune' AND district_code IS NULL)),
    CHECK (level <> 'province' OR province_code = code),
    UNIQUE NULLS NOT DISTINCT (level, code, valid_from),
    EXCLUDE USING gist (level WITH =, code WITH =, validity WITH &&)
);
CREATE INDEX units_province ON units (province_code, level, code);

CREATE TABLE unit_lineage (
    effective          date NOT NULL,
    old_province_code  text NOT NULL CHECK (old_province_code ~ '^[0-9]{2}$'),
    old_district_code  text CHECK (old_district_code ~ '^[0-9]{3}$'),
    old_commune_code   text CHECK (old_commune_code ~ '^[0-9]{5}$'),
    new_province_code  text NOT NULL CHECK (new_province_code ~ '^[0-9]{2}$'),
    new_commune_code   text NOT NULL CHECK (new_commune_code ~ '^[0-9]{5}$'),
    kind               text NOT NULL CHECK (kind IN ('unchanged', 'renamed', 'merged', 'province_changed', 'split_population', 'ambiguous')),
    note               text NOT NULL DEFAULT '',
    CHECK (old_district_code IS NOT NULL OR old_commune_code IS NOT NULL),
    UNIQUE NULLS NOT DISTINCT (effective, old_district_code, old_commune_code, new_commune_code)
);
CREATE INDEX unit_lineage_old_district ON unit_lineage (old_district_code, effective);
CREATE INDEX unit_lineage_new_commune ON unit_lineage (new_commune_code, effective);

-- Each load of official lists: the files by name with their SHA-256, and what changed.
CREATE TABLE unit_catalogue_loads (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    loaded_at   timestamptz NOT NULL DEFAULT now(),
    loaded_by   text NOT NULL CHECK (loaded_by <> ''),
    reform      date NOT NULL,
    files       jsonb NOT NULL,
    units_added integer NOT NULL, units_changed integer NOT NULL, units_removed integer NOT NULL,
    edges_added integer NOT NULL, edges_changed integer NOT NULL, edges_removed integer NOT NULL
);

-- Reference data, not a tenant's: everyone reads it, in any scope or none; only a global scope
-- changes it (an administrator's, or the migration's own, which sets it for its transaction).
ALTER TABLE units ENABLE ROW LEVEL SECURITY;
ALTER TABLE units FORCE ROW LEVEL SECURITY;
CREATE POLICY everyone_reads ON units FOR SELECT USING (true);
CREATE POLICY global_writes ON units FOR ALL USING (chitra_global()) WITH CHECK (chitra_global());
ALTER TABLE unit_lineage ENABLE ROW LEVEL SECURITY;
ALTER TABLE unit_lineage FORCE ROW LEVEL SECURITY;
CREATE POLICY everyone_reads ON unit_lineage FOR SELECT USING (true);
CREATE POLICY global_writes ON unit_lineage FOR ALL USING (chitra_global()) WITH CHECK (chitra_global());
ALTER TABLE unit_catalogue_loads ENABLE ROW LEVEL SECURITY;
ALTER TABLE unit_catalogue_loads FORCE ROW LEVEL SECURITY;
CREATE POLICY everyone_reads ON unit_catalogue_loads FOR SELECT USING (true);
CREATE POLICY global_writes ON unit_catalogue_loads FOR INSERT WITH CHECK (chitra_global());
REVOKE UPDATE, DELETE ON unit_catalogue_loads FROM chitra_app;
