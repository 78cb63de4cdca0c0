-- A job's lease read without a regular expression with captures.
--
-- Every statement a job's handler sends asks its policies who the transaction's credential is
-- (`chitra_verified()`, two or three times a statement), and for a lease that began with
-- `regexp_match` over the whole secret with three captures and bounded repetitions: PostgreSQL's
-- regular expressions take such a match apart by backtracking, and in the national month (3,321
-- communes, a job and some twenty statements each) that match alone was 36 % of the machine's
-- CPU, measured by `perf` (ops/bench/results/run.md): the month of a million in 3,321 communes took
-- 116 s where it took 46 s before the leases. The same format is now checked by splitting on the
-- underscore and testing each part's length and characters (no capture, no repetition bound): the
-- same secrets pass, the same forgeries fail (VerifiedCredentialTests).

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
                        WHERE d.province_code = t.province_code
                           OR d.province_code IN (SELECT l.old_province_code FROM unit_lineage l WHERE l.new_province_code = t.province_code))
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
