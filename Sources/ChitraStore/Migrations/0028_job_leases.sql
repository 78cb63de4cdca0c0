-- A worker reaches only the unit of the job it holds, and the database checks it. Until now a
-- job's handler presented the worker's own service credential, which reached every unit: a handler
-- with a bug (or a worker's host taken over) could read any unit's register. From now on:
--
-- * a claim records, for the jobs it takes, the SHA-256 of a secret the claiming worker made for
--   that claim, and the service credential the claim presented;
-- * a job's handler presents `chitrajob_<job id>_<secret>_<its service credential>`; chitra_verified()
--   grants it the job's unit and nothing else, while the job runs under that lease, claimed by that
--   credential, not revoked. Whoever can write the jobs' leases (the queue's role) still reaches
--   nothing without a worker's credential, and a worker's credential nothing without a job it holds.
--   (Checked when used, not when written: a trigger checking every claimed row cost the queue 40 %
--   of its drain rate, measured side by side.)
-- * a service credential is made for one reach: `jobs` (a worker's: the queue, and through its
--   leases the units of the jobs it holds) or `every_unit` (`chitra serve`'s metrics, tooling run by
--   the operators of the servers);
-- * the queue's role may change a job's state and lease, never its kind, unit or arguments, nor
--   add jobs (people and handlers enqueue, in their unit's scope); a run failed because its job was
--   discarded is failed by a function that checks the job, not by a scope of every unit.

ALTER TABLE service_credentials ADD COLUMN reach text NOT NULL DEFAULT 'jobs' CHECK (reach IN ('jobs', 'every_unit'));
-- Credentials made before this reached every unit; they keep it until remade.
UPDATE service_credentials SET reach = 'every_unit';

ALTER TABLE jobs ADD COLUMN lease_secret_hash bytea CHECK (octet_length(lease_secret_hash) = 32),
                 ADD COLUMN lease_credential_id bigint;

-- The queue's role: jobs' states and leases; never a job's kind, unit or arguments, nor new jobs.
REVOKE ALL ON jobs FROM chitra_queue;
GRANT SELECT, DELETE ON jobs TO chitra_queue;
GRANT UPDATE (state, attempt, attempted_at, finalized_at, run_at, lease_owner, lease_expires_at, last_error, errors,
              lease_secret_hash, lease_credential_id) ON jobs TO chitra_queue;

-- The service credential the transaction presents, if valid (its id): what a claim records.
CREATE FUNCTION chitra_service_credential_id() RETURNS bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    secret text := nullif(current_setting('chitra.credential', true), '');
    found_id bigint;
BEGIN
    IF secret IS NULL OR octet_length(secret) > 200 THEN
        RETURN NULL;
    END IF;
    SELECT s.id INTO found_id FROM service_credentials s
    WHERE s.secret_hash = sha256(convert_to(secret, 'UTF8')) AND s.revoked_at IS NULL;
    RETURN found_id;
END
$$;
REVOKE ALL ON FUNCTION chitra_service_credential_id() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chitra_service_credential_id() TO chitra_queue;

-- What the transaction's credential verifies to (see migration 24), now with jobs' leases and the
-- reach of service credentials.
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
        lease := regexp_match(secret, '^chitrajob_([0-9]{1,18})_([A-Za-z0-9]{20,100})_(chitrasvc_[A-Za-z0-9]{20,100})$');
        IF lease IS NULL THEN
            RETURN;
        END IF;
        RETURN QUERY
            SELECT ARRAY[j.unit_code], false, false, 'job'::text, s.name || ' (job ' || j.id || ')', 'system'::text, NULL::bigint
            FROM jobs j JOIN service_credentials s ON s.id = j.lease_credential_id
            WHERE j.id = lease[1]::bigint AND j.state = 'running' AND j.lease_secret_hash = sha256(convert_to(lease[2], 'UTF8'))
              AND s.secret_hash = sha256(convert_to(lease[3], 'UTF8')) AND s.revoked_at IS NULL;
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

-- A run whose plan or compute job was discarded by the rescuer (its worker died on every attempt)
-- fails with the reason; the queue's maintenance calls this in the transaction that discarded the
-- jobs, which needs no scope of the runs' units: the function checks each job itself.
CREATE FUNCTION chitra_fail_runs_of_discarded_jobs(job_ids bigint[]) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
SET chitra.global = 'on' SET chitra.every_unit = 'on' AS $$
DECLARE
    failed integer;
BEGIN
    UPDATE runs SET state = 'failed', updated_at = now(),
        last_error = 'its ' || j.kind || ' job ' || j.id || ' was discarded: the worker running it died or stopped on every '
                     || 'attempt (' || j.attempt || ' of ' || j.max_attempts || ')'
    FROM jobs j
    WHERE j.id = ANY (job_ids) AND j.state = 'discarded' AND j.kind IN ('plan', 'compute')
      AND j.args->>'runID' ~ '^[0-9]{1,18}$' AND j.args->>'generation' ~ '^[0-9]{1,9}$'
      AND runs.id = (j.args->>'runID')::bigint AND runs.generation = (j.args->>'generation')::int
      AND runs.unit_code = j.unit_code AND runs.state IN ('planning', 'computing');
    GET DIAGNOSTICS failed = ROW_COUNT;
    RETURN failed;
END
$$;
REVOKE ALL ON FUNCTION chitra_fail_runs_of_discarded_jobs(bigint[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chitra_fail_runs_of_discarded_jobs(bigint[]) TO chitra_queue;
