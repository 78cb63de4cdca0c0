-- A province's token verified through the indexes (issue 29). Every statement a person's request
-- sends asks its policies who the transaction's credential is (`chitra_verified()`, once for each
-- table the statement reads); for a province's token that listed the province's payout units by
-- reading all of them (some 4,000 rows: the province's own, or those of a province merged into
-- it), because the two conditions were joined by OR: 0.55 ms a call, two calls for a page of a
-- run's disbursements, at every request of the province's readers. The province and those merged
-- into it are now one array the index on `payout_units (province_code)` is searched with: 0.12 ms.
-- The same units, the same check (PayoutUnitTests: Cà Mau reaches its communes and Bạc Liêu's
-- former districts, not Hà Nội).

CREATE OR REPLACE FUNCTION chitra_verified()
RETURNS TABLE (units text[], every_unit boolean, global boolean, kind text, name text, role text, token_id bigint)
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED SECURITY DEFINER
SET search_path = public, pg_temp SET chitra.global = 'on' SET chitra.every_unit = 'on' AS $$
DECLARE
    secret text := nullif(current_setting('chitra.credential', true), '');
    hash bytea;
    lease text[];
BEGIN
    IF secret IS NULL OR octet_length(secret) > 200 THEN
        RETURN;
    END IF;
    IF left(secret, 10) = 'chitrajob_' THEN
        -- chitrajob_<job id>_<secret>_chitrasvc_<credential>: five parts between underscores.
        lease := string_to_array(secret, '_');
        IF cardinality(lease) <> 5 OR lease[1] <> 'chitrajob' OR lease[4] <> 'chitrasvc'
           OR length(lease[2]) NOT BETWEEN 1 AND 18 OR lease[2] ~ '[^0-9]'
           OR length(lease[3]) NOT BETWEEN 20 AND 100 OR lease[3] ~ '[^A-Za-z0-9]'
           OR length(lease[5]) NOT BETWEEN 20 AND 100 OR lease[5] ~ '[^A-Za-z0-9]' THEN
            RETURN;
        END IF;
        RETURN QUERY
            SELECT ARRAY[j.unit_code], false, false, 'job'::text, s.name || ' (job ' || j.id || ')', 'system'::text, NULL::bigint
            FROM jobs j JOIN service_credentials s ON s.id = j.lease_credential_id
            WHERE j.id = lease[2]::bigint AND j.state = 'running' AND j.lease_secret_hash = sha256(convert_to(lease[3], 'UTF8'))
              AND s.secret_hash = sha256(convert_to('chitrasvc_' || lease[5], 'UTF8')) AND s.revoked_at IS NULL;
        RETURN;
    END IF;
    hash := sha256(convert_to(secret, 'UTF8'));
    RETURN QUERY
        SELECT CASE WHEN t.role IN ('operator', 'finance') THEN t.unit_codes
                    WHEN t.role = 'province' THEN ARRAY(
                        SELECT d.code FROM payout_units d
                        WHERE d.province_code = ANY (ARRAY(SELECT t.province_code UNION
                                                           SELECT l.old_province_code FROM unit_lineage l
                                                           WHERE l.new_province_code = t.province_code)))
                    END,
               t.role IN ('admin', 'auditor'), t.role IN ('admin', 'auditor'), 'token'::text, t.name, t.role, t.id
        FROM api_tokens t
        WHERE t.token_hash = hash AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now());
    IF FOUND THEN
        RETURN;
    END IF;
    RETURN QUERY
        SELECT CASE WHEN s.reach = 'every_unit' THEN NULL::text[] ELSE ARRAY[]::text[] END,
               s.reach = 'every_unit', s.reach = 'every_unit', 'service'::text, s.name, 'system'::text, NULL::bigint
        FROM service_credentials s WHERE s.secret_hash = hash AND s.revoked_at IS NULL;
END
$$;
