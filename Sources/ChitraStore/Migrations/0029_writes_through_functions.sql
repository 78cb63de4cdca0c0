-- Tokens, audit entries and approvals are written only through functions that take who acts from
-- the credential the database verified (migrations 24, 28), never from an argument a person could
-- choose: the application's role no longer inserts or updates `api_tokens` or `audit_log`, nor a
-- run's approval columns, itself. (The triggers of migration 24 stay, for the owner's sessions.)
--
-- Who acts, in each function:
--   a person's token     its holder (name, role, token id); arguments naming someone are ignored;
--   a job's lease        the service, for whom it says it acts (an auto-approval names the rule),
--                        within the job's unit only;
--   a service credential of every unit, for whom it says (tooling run by the servers' operators);
--   the owner's session  for whom it says (the first admin token, migrations);
--   nothing verified     nothing: refused.

-- The owner's (or a superuser's) own session: inside these SECURITY DEFINER functions current_user
-- is the owner, so the session's login role says who called.
CREATE FUNCTION chitra_session_trusted() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT pg_has_role(session_user, (SELECT c.relowner FROM pg_class c WHERE c.oid = 'public.runs'::regclass), 'USAGE')
$$;

-- Who acts, or an error: the verified identity, its reach, and the name and role to record.
CREATE FUNCTION chitra_acting(claimed_name text, claimed_role text, claimed_token bigint,
                              OUT kind text, OUT name text, OUT role text, OUT token_id bigint,
                              OUT units text[], OUT every_unit boolean, OUT global boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v record;
BEGIN
    SELECT * INTO v FROM chitra_verified() LIMIT 1;
    IF v.kind IS NULL THEN
        IF chitra_session_trusted() THEN
            kind := 'owner'; name := claimed_name; role := claimed_role; token_id := claimed_token;
            every_unit := true; global := true;
            RETURN;
        END IF;
        RAISE EXCEPTION 'no verified credential: nothing is written' USING ERRCODE = 'insufficient_privilege';
    END IF;
    kind := v.kind; units := v.units; every_unit := v.every_unit; global := v.global;
    IF v.kind = 'token' THEN
        name := v.name; role := v.role; token_id := v.token_id;
    ELSE
        name := claimed_name; role := claimed_role; token_id := claimed_token;
    END IF;
END
$$;
REVOKE ALL ON FUNCTION chitra_acting(text, text, bigint) FROM PUBLIC;

-- An audit entry, in the name of who acts, within their reach.
CREATE FUNCTION chitra_append_audit(p_actor text, p_actor_role text, p_actor_token_id bigint, p_action text, p_unit text,
                                    p_period date, p_subject text, p_before jsonb, p_after jsonb) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp SET chitra.global = 'on' SET chitra.every_unit = 'on' AS $$
DECLARE
    who record;
    entry bigint;
BEGIN
    SELECT * INTO who FROM chitra_acting(p_actor, p_actor_role, p_actor_token_id);
    IF p_unit IS NULL AND NOT who.global OR p_unit IS NOT NULL AND NOT (who.every_unit OR p_unit = ANY (who.units)) THEN
        RAISE EXCEPTION 'an audit entry of %: outside what the credential reaches', coalesce('unit ' || p_unit, 'no unit')
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO audit_log (actor, actor_role, actor_token_id, action, unit_code, period, subject, before, after)
    VALUES (who.name, who.role, who.token_id, p_action, p_unit, p_period, p_subject, p_before, p_after)
    RETURNING id INTO entry;
    RETURN entry;
END
$$;
REVOKE ALL ON FUNCTION chitra_append_audit(text, text, bigint, text, text, date, text, jsonb, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chitra_append_audit(text, text, bigint, text, text, date, text, jsonb, jsonb) TO chitra_app;
REVOKE INSERT ON audit_log FROM chitra_app;

-- The name of the administrator (or owner, or service of every unit) who acts, or an error.
CREATE FUNCTION chitra_acting_admin(p_by text, doing text) RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    who record;
BEGIN
    SELECT * INTO who FROM chitra_acting(p_by, 'admin', NULL);
    IF NOT (who.kind = 'token' AND who.role = 'admin' OR who.kind = 'owner' OR who.kind = 'service' AND who.every_unit) THEN
        RAISE EXCEPTION 'only an administrator %', doing USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN who.name;
END
$$;
REVOKE ALL ON FUNCTION chitra_acting_admin(text, text) FROM PUBLIC;

-- A token as the functions below return it (its hash left out).
CREATE TYPE chitra_token AS (id bigint, name text, role text, unit_codes text[], province_code text, created_at timestamptz,
                             created_by text, expires_at timestamptz, revoked_at timestamptz, revoked_by text);

-- A token made by an administrator (or the owner, or a service of every unit), in their name.
CREATE FUNCTION chitra_create_token(p_name text, p_role text, p_units text[], p_province text, p_hash bytea,
                                    p_expires_days integer, p_by text)
RETURNS SETOF chitra_token
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp SET chitra.global = 'on' AS $$
DECLARE
    acting text := chitra_acting_admin(p_by, 'makes tokens');
BEGIN
    RETURN QUERY
        INSERT INTO api_tokens AS t (name, role, unit_codes, province_code, token_hash, created_by, expires_at)
        VALUES (p_name, p_role, coalesce(p_units, '{}'), p_province, p_hash, acting,
                CASE WHEN p_expires_days IS NULL THEN NULL ELSE now() + make_interval(days => p_expires_days) END)
        RETURNING t.id, t.name, t.role, t.unit_codes, t.province_code, t.created_at, t.created_by, t.expires_at, t.revoked_at, t.revoked_by;
END
$$;
REVOKE ALL ON FUNCTION chitra_create_token(text, text, text[], text, bytea, integer, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chitra_create_token(text, text, text[], text, bytea, integer, text) TO chitra_app;

-- A token revoked by an administrator, in their name; no row when it was revoked already or is not there.
CREATE FUNCTION chitra_revoke_token(p_id bigint, p_by text)
RETURNS SETOF chitra_token
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp SET chitra.global = 'on' AS $$
DECLARE
    acting text := chitra_acting_admin(p_by, 'revokes tokens');
BEGIN
    RETURN QUERY
        UPDATE api_tokens AS t SET revoked_at = now(), revoked_by = acting WHERE t.id = p_id AND t.revoked_at IS NULL
        RETURNING t.id, t.name, t.role, t.unit_codes, t.province_code, t.created_at, t.created_by, t.expires_at, t.revoked_at, t.revoked_by;
END
$$;
REVOKE ALL ON FUNCTION chitra_revoke_token(bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chitra_revoke_token(bigint, text) TO chitra_app;
REVOKE INSERT, UPDATE ON api_tokens FROM chitra_app;

-- A run's approval, recorded in the name of who approves: a finance officer's token (not the person
-- who triggered it), or for a rule (auto-approval, approval off) a worker's lease of the run's unit.
CREATE FUNCTION chitra_record_approval(p_run_id bigint, p_by text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp SET chitra.every_unit = 'on' AS $$
DECLARE
    who record;
    run record;
BEGIN
    SELECT * INTO who FROM chitra_acting(p_by, 'system', NULL);
    SELECT r.unit_code, r.triggered_by, r.state INTO run FROM runs r WHERE r.id = p_run_id FOR UPDATE;
    IF NOT FOUND OR NOT (who.every_unit OR run.unit_code = ANY (who.units)) THEN
        RAISE EXCEPTION 'run %: not among the runs the credential reaches', p_run_id USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF who.kind = 'token' THEN
        IF who.role <> 'finance' THEN
            RAISE EXCEPTION 'a run is approved by a finance officer in their own name' USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF lower(btrim(run.triggered_by)) = lower(btrim(who.name)) THEN
            RAISE EXCEPTION 'the person who triggered a run may not approve it' USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    UPDATE runs SET approved_by = who.name, approved_at = now(), approved_by_token = who.token_id WHERE id = p_run_id;
END
$$;
REVOKE ALL ON FUNCTION chitra_record_approval(bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chitra_record_approval(bigint, text) TO chitra_app;

-- A run planned afresh (triggered again after a cancellation) holds no approval.
CREATE FUNCTION chitra_run_replanned() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.state = 'planning' AND OLD.state <> 'planning' THEN
        NEW.approved_by := NULL;
        NEW.approved_at := NULL;
        NEW.approved_by_token := NULL;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER runs_replanned BEFORE UPDATE OF state ON runs FOR EACH ROW EXECUTE FUNCTION chitra_run_replanned();

-- The application's role writes every column of a run but its approval's.
DO $$
DECLARE
    writable text;
BEGIN
    SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) INTO writable
    FROM information_schema.columns
    WHERE table_schema = 'public' AND table_name = 'runs' AND column_name NOT IN ('id', 'approved_by', 'approved_at', 'approved_by_token');
    REVOKE INSERT, UPDATE ON runs FROM chitra_app;
    EXECUTE format('GRANT INSERT (%s), UPDATE (%s) ON runs TO chitra_app', writable, writable);
END
$$;

-- What migration 24's triggers checked of audit entries and approvals, the functions above do now:
-- the audit log's trigger is gone, the run's checks only who triggered it (an operator, or an
-- admin, in their own name), which the application's roles still write.
DROP TRIGGER audit_log_actor_verified ON audit_log;
DROP FUNCTION chitra_audit_actor_verified();

CREATE OR REPLACE FUNCTION chitra_run_people_verified() RETURNS trigger
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
    IF v.kind = 'token' AND (TG_OP = 'INSERT' OR NEW.triggered_by IS DISTINCT FROM OLD.triggered_by)
       AND (NEW.triggered_by IS DISTINCT FROM v.name OR v.role NOT IN ('operator', 'admin')) THEN
        RAISE EXCEPTION 'a run is triggered by an operator (or an admin) in their own name, not %', NEW.triggered_by
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;
DROP TRIGGER runs_people_verified ON runs;
CREATE TRIGGER runs_people_verified BEFORE INSERT OR UPDATE OF triggered_by ON runs
    FOR EACH ROW EXECUTE FUNCTION chitra_run_people_verified();
