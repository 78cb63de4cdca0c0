-- Payout units (đơn vị chi trả) as data (issue 23): the tenants are the catalogue's districts for
-- the months before the 2025 reform and its communes (wards, special zones) from it. The table
-- keeps its name `districts` (every tenant table refers to it); a row is a unit's code and the
-- months it pays: `valid_from` inclusive, `valid_to` exclusive, NULL open. Codes of payout units
-- are three digits (districts) or five (communes) and never overlap in time for one code.
ALTER TABLE districts DROP CONSTRAINT districts_code_check;
ALTER TABLE districts
    ADD COLUMN level text NOT NULL DEFAULT 'district' CHECK (level IN ('district', 'commune')),
    ADD COLUMN valid_from date CHECK (extract(day FROM valid_from) = 1),
    ADD COLUMN valid_to date CHECK (extract(day FROM valid_to) = 1),
    ADD CONSTRAINT districts_code_check CHECK (code ~ CASE level WHEN 'district' THEN '^[0-9]{3}$' ELSE '^[0-9]{5}$' END),
    ADD CONSTRAINT districts_validity_order CHECK (valid_from IS NULL OR valid_to IS NULL OR valid_from < valid_to),
    -- The months it pays, as one range every query asks the same way (`months @> day`).
    ADD COLUMN months daterange GENERATED ALWAYS AS (daterange(valid_from, valid_to, '[)')) STORED;
ALTER TABLE districts ALTER COLUMN level DROP DEFAULT;

-- The audit log names communes too.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_district_code_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_district_code_check CHECK (district_code ~ '^([0-9]{3}|[0-9]{5})$');

-- The payout units of the catalogue: every district (paid through the month before it was
-- abolished) and every commune of a list with no districts (the communes since 2025-07-01, which
-- name no district). A unit already here keeps its name and settings; its level and months follow
-- the catalogue. Called by this migration and by every `chitra units load`.
CREATE FUNCTION chitra_sync_payout_units() RETURNS integer
LANGUAGE plpgsql VOLATILE SET search_path = public, pg_temp AS $$
DECLARE
    written integer;
BEGIN
    IF NOT chitra_global() THEN
        RAISE EXCEPTION 'payout units are written in a global scope only' USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO districts AS d (code, province_code, name, level, valid_from, valid_to)
    SELECT u.code, u.province_code, u.name_with_type, u.level, u.valid_from, u.valid_to
    FROM units u
    WHERE u.level = 'district' OR (u.level = 'commune' AND u.district_code IS NULL)
    ON CONFLICT (code) DO UPDATE SET level = excluded.level, valid_from = excluded.valid_from, valid_to = excluded.valid_to,
                                     province_code = excluded.province_code
        WHERE (d.level, d.valid_from, d.valid_to, d.province_code) IS DISTINCT FROM
              (excluded.level, excluded.valid_from, excluded.valid_to, excluded.province_code);
    GET DIAGNOSTICS written = ROW_COUNT;
    RETURN written;
END
$$;
REVOKE ALL ON FUNCTION chitra_sync_payout_units() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chitra_sync_payout_units() TO chitra_app;

SELECT set_config('chitra.global', 'on', true);
SELECT chitra_sync_payout_units();
SELECT set_config('chitra.global', 'off', true);

-- A run pays a unit in a month the unit pays: the schema refuses any other (the application says
-- why first, naming the units that pay that month).
CREATE FUNCTION chitra_require_payout_month() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET chitra.global = 'on' AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM districts d WHERE d.code = NEW.district_code AND d.months @> NEW.period) THEN
        RAISE EXCEPTION 'unit % does not pay in %', NEW.district_code, to_char(NEW.period, 'YYYY-MM')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'runs_unit_pays_in_period';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER runs_unit_pays_in_period BEFORE INSERT OR UPDATE OF district_code, period ON runs
    FOR EACH ROW EXECUTE FUNCTION chitra_require_payout_month();

CREATE INDEX unit_lineage_provinces ON unit_lineage (new_province_code, old_province_code);

-- A province's token reaches the units of its province and of the provinces merged into it by a
-- reform (Cà Mau's reaches Bạc Liêu's former districts); which of them pay in a month is the
-- month's question. Operators and finance keep the units they name.
CREATE OR REPLACE FUNCTION chitra_authenticate(hash bytea)
RETURNS TABLE (token_id bigint, name text, role text, district_codes text[], expired boolean, revoked boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp SET chitra.global = 'on' AS $$
    SELECT t.id, t.name, t.role,
           CASE WHEN t.role IN ('operator', 'finance') THEN t.district_codes
                WHEN t.role = 'province' THEN ARRAY(
                    SELECT d.code FROM districts d
                    WHERE d.province_code = t.province_code
                       OR d.province_code IN (SELECT l.old_province_code FROM unit_lineage l WHERE l.new_province_code = t.province_code)
                    ORDER BY 1)
                ELSE ARRAY(SELECT d.code FROM districts d ORDER BY 1) END,
           t.expires_at IS NOT NULL AND t.expires_at <= now(),
           t.revoked_at IS NOT NULL
    FROM api_tokens t WHERE t.token_hash = hash
$$;

-- Every unit at once: an administrator's or an auditor's scope, and the searches that must see
-- every unit's ids. Listing 4,017 units in chitra.districts would not fit a connection's startup
-- packet and would be compared with every row; chitra.every_unit = 'on' says it in one flag.
CREATE FUNCTION chitra_every_unit() RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(current_setting('chitra.every_unit', true), '') = 'on'
$$;

ALTER POLICY tenant ON beneficiaries USING ((SELECT chitra_every_unit()) OR district_code = ANY ((SELECT chitra_scope())::text[]));
ALTER POLICY tenant ON beneficiary_versions USING ((SELECT chitra_every_unit()) OR district_code = ANY ((SELECT chitra_scope())::text[]));
ALTER POLICY tenant ON register_imports USING ((SELECT chitra_every_unit()) OR district_code = ANY ((SELECT chitra_scope())::text[]));
ALTER POLICY tenant ON runs USING ((SELECT chitra_every_unit()) OR district_code = ANY ((SELECT chitra_scope())::text[]));
ALTER POLICY tenant ON run_members USING ((SELECT chitra_every_unit()) OR district_code = ANY ((SELECT chitra_scope())::text[]));
ALTER POLICY tenant ON run_totals USING ((SELECT chitra_every_unit()) OR district_code = ANY ((SELECT chitra_scope())::text[]));
ALTER POLICY tenant ON entitlement_lines USING ((SELECT chitra_every_unit()) OR district_code = ANY ((SELECT chitra_scope())::text[]));
ALTER POLICY tenant ON disbursements USING ((SELECT chitra_every_unit()) OR district_code = ANY ((SELECT chitra_scope())::text[]));
ALTER POLICY tenant ON run_shards USING ((SELECT chitra_every_unit()) OR district_code = ANY ((SELECT chitra_scope())::text[]));
ALTER POLICY tenant ON transfer_batches USING ((SELECT chitra_every_unit()) OR district_code = ANY ((SELECT chitra_scope())::text[]));
ALTER POLICY tenant ON jobs USING ((SELECT chitra_every_unit()) OR district_code = ANY ((SELECT chitra_scope())::text[]));
ALTER POLICY tenant ON districts
    USING ((SELECT chitra_every_unit()) OR code = ANY ((SELECT chitra_scope())::text[]) OR (SELECT chitra_global()));
ALTER POLICY tenant ON cash_confirmation_files
    USING ((SELECT chitra_every_unit()) OR district_codes && (SELECT chitra_scope())::text[] OR (SELECT chitra_global()))
    WITH CHECK ((SELECT chitra_every_unit()) OR district_codes <@ (SELECT chitra_scope())::text[]);
ALTER POLICY tenant ON audit_log
    USING ((SELECT chitra_every_unit()) AND district_code IS NOT NULL OR district_code = ANY ((SELECT chitra_scope())::text[])
           OR (district_code IS NULL AND (SELECT chitra_global())));

CREATE OR REPLACE FUNCTION chitra_ids_registered_outside(district text, ids text[])
RETURNS TABLE (beneficiary_id text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp SET chitra.every_unit = 'on' AS $$
BEGIN
    RETURN QUERY SELECT b.beneficiary_id FROM beneficiaries b
                 WHERE b.beneficiary_id = ANY (ids) AND b.district_code <> district;
END
$$;

CREATE OR REPLACE FUNCTION chitra_ids_held_elsewhere(district text, ids text[])
RETURNS TABLE (beneficiary_id text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF NOT (chitra_every_unit() OR district = ANY (coalesce(chitra_scope(), '{}'::text[]))) THEN
        RAISE EXCEPTION 'unit % is not in this transaction''s scope', district USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN QUERY SELECT r.beneficiary_id FROM chitra_ids_registered_outside(district, ids) r;
END
$$;
