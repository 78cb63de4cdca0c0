-- Which of an import's ids another unit already holds, answered without naming the unit (issue 24:
-- any operator could learn where a person is registered), and only for a unit in the caller's own
-- scope. The search itself, which sees every unit's ids, is no longer callable by the application.
DROP FUNCTION chitra_ids_held_elsewhere(text, text[]);

CREATE FUNCTION chitra_ids_registered_outside(district text, ids text[])
RETURNS TABLE (beneficiary_id text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp SET chitra.global = 'on' SET chitra.districts = '' AS $$
BEGIN
    PERFORM set_config('chitra.districts', (SELECT string_agg(d.code, ',') FROM districts d), true);
    RETURN QUERY SELECT b.beneficiary_id FROM beneficiaries b
                 WHERE b.beneficiary_id = ANY (ids) AND b.district_code <> district;
END
$$;
REVOKE ALL ON FUNCTION chitra_ids_registered_outside(text, text[]) FROM PUBLIC;

-- The application's entry: reads the caller's scope before anything widens it.
CREATE FUNCTION chitra_ids_held_elsewhere(district text, ids text[])
RETURNS TABLE (beneficiary_id text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF NOT (district = ANY (coalesce(chitra_scope(), '{}'::text[]))) THEN
        RAISE EXCEPTION 'district % is not in this transaction''s scope', district USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN QUERY SELECT r.beneficiary_id FROM chitra_ids_registered_outside(district, ids) r;
END
$$;
REVOKE ALL ON FUNCTION chitra_ids_held_elsewhere(text, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chitra_ids_held_elsewhere(text, text[]) TO chitra_app;
