-- The database checks who asks. Until now a transaction's scope was whatever it SET
-- (chitra.districts, chitra.every_unit, chitra.global): anyone holding the application role's
-- password could read every unit or mint an admin token with one statement. From now on the
-- application role's scope is only what a credential verifies to: each transaction also sets
-- chitra.credential, a person's API token or a service's secret (a worker's, a test harness's),
-- and chitra_scope(), chitra_every_unit() and chitra_global() — which every policy reads — grant
-- the units asked only within what that credential reaches. A wrong, revoked or expired credential,
-- or none, sees nothing and writes nothing, whatever else the session sets.
--
-- The owner of the tables (migrations, and the SECURITY DEFINER functions, which set their own
-- flags) is trusted with the settings as before.

-- Services' secrets (workers, tooling run by the operators of the servers), stored as SHA-256;
-- made by the owner (`chitra db credential`). Nobody else reads this table.
CREATE TABLE service_credentials (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL UNIQUE CHECK (char_length(btrim(name)) BETWEEN 1 AND 100),
    secret_hash bytea NOT NULL UNIQUE CHECK (octet_length(secret_hash) = 32),
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);
REVOKE ALL ON service_credentials FROM PUBLIC, chitra_app, chitra_queue;
ALTER TABLE service_credentials ENABLE ROW LEVEL SECURITY;
ALTER TABLE service_credentials FORCE ROW LEVEL SECURITY;  -- its policy follows chitra_trusted() below

-- A province token's reach is computed on every statement: by index.
CREATE INDEX payout_units_province ON payout_units (province_code);

-- Whether the statement runs as the owner of the tables (or a superuser): migrations, and the
-- SECURITY DEFINER functions, which set their own flags.
--
-- These functions are PL/pgSQL, not SQL: the policies call them in every statement, and a SQL
-- function that cannot be inlined is planned again at each statement's first call (measured: a
-- month of 3,321 small units 60 s → 101 s), where PL/pgSQL keeps its plans for the session.
CREATE FUNCTION chitra_trusted() RETURNS boolean LANGUAGE plpgsql STABLE PARALLEL RESTRICTED AS $$
DECLARE
    owner oid;
BEGIN
    SELECT c.relowner INTO owner FROM pg_class c WHERE c.oid = 'public.runs'::regclass;
    RETURN pg_has_role(current_user, owner, 'USAGE');
END
$$;

CREATE POLICY owner_only ON service_credentials USING (chitra_trusted());

-- What the transaction's credential verifies to: the units it reaches (NULL: every unit), whether
-- it reaches every unit and the rows of none, and who it is (a token's holder, or a service).
CREATE FUNCTION chitra_verified()
RETURNS TABLE (units text[], every_unit boolean, global boolean, kind text, name text, role text, token_id bigint)
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED SECURITY DEFINER
SET search_path = public, pg_temp SET chitra.global = 'on' SET chitra.every_unit = 'on' AS $$
DECLARE
    secret text := nullif(current_setting('chitra.credential', true), '');
    hash bytea;
BEGIN
    IF secret IS NULL OR octet_length(secret) > 200 THEN
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
        SELECT NULL::text[], true, true, 'service'::text, s.name, 'system'::text, NULL::bigint
        FROM service_credentials s WHERE s.secret_hash = hash AND s.revoked_at IS NULL;
END
$$;
REVOKE ALL ON FUNCTION chitra_verified() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chitra_verified() TO chitra_app;

-- The units asked (chitra.districts), within what the credential reaches.
CREATE OR REPLACE FUNCTION chitra_scope() RETURNS text[] LANGUAGE plpgsql STABLE PARALLEL RESTRICTED AS $$
DECLARE
    asked text[] := string_to_array(nullif(current_setting('chitra.districts', true), ''), ',');
    verified record;
BEGIN
    IF asked IS NULL OR chitra_trusted() THEN
        RETURN asked;
    END IF;
    SELECT * INTO verified FROM chitra_verified() LIMIT 1;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF verified.every_unit THEN
        RETURN asked;
    END IF;
    RETURN ARRAY(SELECT u FROM unnest(asked) u WHERE u = ANY (verified.units));
END
$$;

-- A flag the transaction set ('chitra.every_unit', 'chitra.global'), if its credential may set it.
CREATE FUNCTION chitra_flag_granted(setting text) RETURNS boolean LANGUAGE plpgsql STABLE PARALLEL RESTRICTED AS $$
DECLARE
    verified record;
BEGIN
    IF coalesce(current_setting(setting, true), '') <> 'on' THEN
        RETURN false;
    END IF;
    IF chitra_trusted() THEN
        RETURN true;
    END IF;
    SELECT * INTO verified FROM chitra_verified() LIMIT 1;
    RETURN coalesce(CASE setting WHEN 'chitra.every_unit' THEN verified.every_unit WHEN 'chitra.global' THEN verified.global END, false);
END
$$;

-- Every unit at once (chitra.every_unit), if the credential reaches every unit.
CREATE OR REPLACE FUNCTION chitra_every_unit() RETURNS boolean LANGUAGE sql STABLE PARALLEL RESTRICTED AS $$
    SELECT chitra_flag_granted('chitra.every_unit')
$$;

-- Rows of no unit (chitra.global), if the credential may see them.
CREATE OR REPLACE FUNCTION chitra_global() RETURNS boolean LANGUAGE sql STABLE PARALLEL RESTRICTED AS $$
    SELECT chitra_flag_granted('chitra.global')
$$;

-- An audit entry names the person whose token the transaction verified: nobody writes one in
-- another's name. (A service — a worker, the test harness — records what it does for whom it
-- acts; the owner is trusted.)
CREATE FUNCTION chitra_audit_actor_verified() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    v record;
BEGIN
    IF chitra_trusted() THEN
        RETURN NEW;
    END IF;
    SELECT * INTO v FROM chitra_verified() LIMIT 1;
    IF v.kind IS NULL THEN
        RAISE EXCEPTION 'an audit entry needs a verified credential' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF v.kind = 'token' AND (NEW.actor IS DISTINCT FROM v.name OR NEW.actor_role IS DISTINCT FROM v.role
                             OR NEW.actor_token_id IS DISTINCT FROM v.token_id) THEN
        RAISE EXCEPTION 'an audit entry names % (%), not the holder of the token that wrote it', NEW.actor, NEW.actor_role
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER audit_log_actor_verified BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION chitra_audit_actor_verified();

-- Maker–checker held by the database as well: under a person's token, a run is triggered only by
-- an operator (or an admin) in their own name, and approved only by a finance officer in their own
-- name who did not trigger it. (A service — a worker approving at once a run an admin asked for — acts for whom it says.)
CREATE FUNCTION chitra_run_people_verified() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    v record;
BEGIN
    IF chitra_trusted() THEN
        RETURN NEW;
    END IF;
    SELECT * INTO v FROM chitra_verified() LIMIT 1;
    IF v.kind IS NULL THEN
        RAISE EXCEPTION 'a run changes only under a verified credential' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF v.kind <> 'token' THEN
        RETURN NEW;
    END IF;
    IF (TG_OP = 'INSERT' OR NEW.triggered_by IS DISTINCT FROM OLD.triggered_by)
       AND (NEW.triggered_by IS DISTINCT FROM v.name OR v.role NOT IN ('operator', 'admin')) THEN
        RAISE EXCEPTION 'a run is triggered by an operator (or an admin) in their own name, not %', NEW.triggered_by
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.approved_by IS NOT NULL AND (TG_OP = 'INSERT' OR NEW.approved_by IS DISTINCT FROM OLD.approved_by) THEN
        IF v.role <> 'finance' OR NEW.approved_by IS DISTINCT FROM v.name THEN
            RAISE EXCEPTION 'a run is approved by a finance officer in their own name' USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF lower(btrim(NEW.triggered_by)) = lower(btrim(v.name)) THEN
            RAISE EXCEPTION 'the person who triggered a run may not approve it' USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER runs_people_verified BEFORE INSERT OR UPDATE OF triggered_by, approved_by ON runs
    FOR EACH ROW EXECUTE FUNCTION chitra_run_people_verified();
