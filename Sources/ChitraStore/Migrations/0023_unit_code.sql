-- The tenant is the payout unit (a district before 2025-07, a commune from it): the schema names it
-- so. Every tenant column `district_code` becomes `unit_code`, the tokens' and confirmation files'
-- `district_codes` become `unit_codes`, and the table of payout units `districts` becomes
-- `payout_units`. Policies, constraints, indexes and trigger columns follow a rename by themselves;
-- the functions whose bodies name them are written again below. (The catalogue's `units.district_code`
-- and the lineage's `old_district_code` name real districts, and stay.)

ALTER TABLE districts RENAME TO payout_units;

ALTER TABLE jobs RENAME COLUMN district_code TO unit_code;
ALTER TABLE register_imports RENAME COLUMN district_code TO unit_code;
ALTER TABLE beneficiaries RENAME COLUMN district_code TO unit_code;
ALTER TABLE beneficiary_versions RENAME COLUMN district_code TO unit_code;
ALTER TABLE runs RENAME COLUMN district_code TO unit_code;
ALTER TABLE run_members RENAME COLUMN district_code TO unit_code;
ALTER TABLE run_totals RENAME COLUMN district_code TO unit_code;
ALTER TABLE entitlement_lines RENAME COLUMN district_code TO unit_code;
ALTER TABLE disbursements RENAME COLUMN district_code TO unit_code;
ALTER TABLE run_shards RENAME COLUMN district_code TO unit_code;
ALTER TABLE transfer_batches RENAME COLUMN district_code TO unit_code;
ALTER TABLE audit_log RENAME COLUMN district_code TO unit_code;
ALTER TABLE api_tokens RENAME COLUMN district_codes TO unit_codes;
ALTER TABLE cash_confirmation_files RENAME COLUMN district_codes TO unit_codes;

DROP FUNCTION chitra_authenticate(bytea);
CREATE FUNCTION chitra_authenticate(hash bytea)
RETURNS TABLE (token_id bigint, name text, role text, unit_codes text[], expired boolean, revoked boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp SET chitra.global = 'on' AS $$
    SELECT t.id, t.name, t.role,
           CASE WHEN t.role IN ('operator', 'finance') THEN t.unit_codes
                WHEN t.role = 'province' THEN ARRAY(
                    SELECT d.code FROM payout_units d
                    WHERE d.province_code = t.province_code
                       OR d.province_code IN (SELECT l.old_province_code FROM unit_lineage l WHERE l.new_province_code = t.province_code)
                    ORDER BY 1)
                ELSE ARRAY(SELECT d.code FROM payout_units d ORDER BY 1) END,
           t.expires_at IS NOT NULL AND t.expires_at <= now(),
           t.revoked_at IS NOT NULL
    FROM api_tokens t WHERE t.token_hash = hash
$$;
REVOKE ALL ON FUNCTION chitra_authenticate(bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chitra_authenticate(bytea) TO chitra_app;

CREATE OR REPLACE FUNCTION refuse_report_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the report of run % (unit %, %) is frozen', OLD.id, OLD.unit_code, to_char(OLD.period, 'YYYY-MM')
        USING ERRCODE = 'check_violation';
END
$$;

CREATE OR REPLACE FUNCTION chitra_ids_registered_outside(district text, ids text[])
RETURNS TABLE (beneficiary_id text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp SET chitra.every_unit = 'on' AS $$
BEGIN
    RETURN QUERY SELECT b.beneficiary_id FROM beneficiaries b
                 WHERE b.beneficiary_id = ANY (ids) AND b.unit_code <> district;
END
$$;

CREATE OR REPLACE FUNCTION chitra_sync_payout_units() RETURNS integer
LANGUAGE plpgsql VOLATILE SET search_path = public, pg_temp AS $$
DECLARE
    written integer;
BEGIN
    IF NOT chitra_global() THEN
        RAISE EXCEPTION 'payout units are written in a global scope only' USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO payout_units AS d (code, province_code, name, level, valid_from, valid_to)
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

CREATE OR REPLACE FUNCTION chitra_require_payout_month() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET chitra.global = 'on' AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM payout_units d WHERE d.code = NEW.unit_code AND d.months @> NEW.period) THEN
        RAISE EXCEPTION 'unit % does not pay in %', NEW.unit_code, to_char(NEW.period, 'YYYY-MM')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'runs_unit_pays_in_period';
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION chitra_lines_before_moves(unit text, lower_id text, upper_id text)
RETURNS TABLE (beneficiary_id text, run_period date, month date, kind text, amount_vnd bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp SET chitra.every_unit = 'on' AS $$
    SELECT l.beneficiary_id, l.run_period, l.month, l.kind::text, l.amount_vnd
    FROM beneficiary_moves m
    JOIN beneficiaries b ON b.beneficiary_id = m.beneficiary_id AND b.unit_code = unit
    JOIN entitlement_lines l ON l.beneficiary_id = m.beneficiary_id AND l.unit_code = m.from_unit
    WHERE m.to_unit IS NOT NULL AND m.beneficiary_id >= lower_id AND (upper_id IS NULL OR m.beneficiary_id < upper_id)
$$;

CREATE OR REPLACE FUNCTION chitra_disbursements_before_moves(unit text, lower_id text, upper_id text)
RETURNS TABLE (beneficiary_id text, period date, state text, pending_recovery_vnd bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp SET chitra.every_unit = 'on' AS $$
    SELECT d.beneficiary_id, d.period, d.state::text, d.pending_recovery_vnd
    FROM beneficiary_moves m
    JOIN beneficiaries b ON b.beneficiary_id = m.beneficiary_id AND b.unit_code = unit
    JOIN disbursements d ON d.beneficiary_id = m.beneficiary_id AND d.unit_code = m.from_unit
    WHERE m.to_unit IS NOT NULL AND m.beneficiary_id >= lower_id AND (upper_id IS NULL OR m.beneficiary_id < upper_id)
$$;
