-- Tenancy made real: the application's role, its privileges, row-level security forced on every
-- tenant table, the API tokens and the append-only audit log.
--
-- Migrations run as the owner of the tables. Every product process connects as `chitra_app`: it
-- owns nothing, is not a superuser, and row-level security binds it. Each transaction says what it
-- may see (`SET LOCAL`, see ChitraStore's `Scope`):
--   chitra.districts  '954,956': the tenants whose rows are visible and writable;
--   chitra.global     'on': rows of no district (tokens, the audit of tokens and settings).
-- A transaction that sets nothing sees nothing.
--
-- The queue's own statements (claim, heartbeat, outcomes, rescue, prune) see jobs of every
-- district: a worker's queue connections run as `chitra_queue` (SET ROLE from chitra_app, which is
-- a member), a role that bypasses row-level security but has privileges on the jobs table only, so
-- that it reads no tenant data at all and the claim keeps its index plans (a policy with an "or the
-- queue" branch cost the claim its index-ordered skip-scan: 38 ms instead of 5 at 21,000 jobs). A
-- job's handler runs as chitra_app in its district's scope.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'chitra_app') THEN
        CREATE ROLE chitra_app NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'chitra_queue') THEN
        IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
            RAISE EXCEPTION 'role chitra_queue is missing: a superuser must create it first (CREATE ROLE chitra_queue NOLOGIN BYPASSRLS)';
        END IF;
        CREATE ROLE chitra_queue NOLOGIN BYPASSRLS;
    END IF;
END
$$;
-- (Where the roles of migration 27 exist already, made by the cluster's superuser, only the
-- worker's role may become the queue's: chitra_app is not made a member only for 27 to undo it. A
-- membership is the cluster's, not the database's: granted and revoked by every database migrated
-- afresh, two migrating at once collided on it.)
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'chitra_worker') THEN
        GRANT chitra_queue TO chitra_app;
    END IF;
END
$$;

CREATE FUNCTION chitra_scope() RETURNS text[] LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT string_to_array(nullif(current_setting('chitra.districts', true), ''), ',')
$$;

CREATE FUNCTION chitra_global() RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(current_setting('chitra.global', true), '') = 'on'
$$;

-- Row-level security binds the owner too (a migration or a maintenance session sees nothing
-- without a scope); only a superuser bypasses it.
ALTER TABLE beneficiaries FORCE ROW LEVEL SECURITY;
ALTER TABLE beneficiary_versions FORCE ROW LEVEL SECURITY;
ALTER TABLE register_imports FORCE ROW LEVEL SECURITY;
ALTER TABLE runs FORCE ROW LEVEL SECURITY;
ALTER TABLE run_members FORCE ROW LEVEL SECURITY;
ALTER TABLE run_totals FORCE ROW LEVEL SECURITY;
ALTER TABLE entitlement_lines FORCE ROW LEVEL SECURITY;
ALTER TABLE disbursements FORCE ROW LEVEL SECURITY;
ALTER TABLE run_shards FORCE ROW LEVEL SECURITY;
ALTER TABLE transfer_batches FORCE ROW LEVEL SECURITY;

-- Jobs: a handler's transaction sees its district's jobs; the queue's role sees them all.
ALTER TABLE jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE jobs FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant ON jobs USING (district_code = ANY (chitra_scope()));

-- Districts: each sees its own (province, auditor and admin scopes list all theirs).
ALTER TABLE districts ENABLE ROW LEVEL SECURITY;
ALTER TABLE districts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant ON districts USING (code = ANY (chitra_scope()) OR chitra_global());

-- The post office's confirmation files, by the districts whose disbursements they closed.
ALTER TABLE cash_confirmation_files ADD COLUMN district_codes text[] NOT NULL DEFAULT '{}';
ALTER TABLE cash_confirmation_files ENABLE ROW LEVEL SECURITY;
ALTER TABLE cash_confirmation_files FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant ON cash_confirmation_files
    USING (district_codes && chitra_scope() OR chitra_global())
    WITH CHECK (district_codes <@ chitra_scope());

-- API tokens: random, shown once, stored as their SHA-256 only.
CREATE TABLE api_tokens (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          text NOT NULL CHECK (char_length(btrim(name)) BETWEEN 1 AND 100),
    role          text NOT NULL CHECK (role IN ('operator', 'finance', 'province', 'auditor', 'admin')),
    district_codes text[] NOT NULL DEFAULT '{}',
    province_code text CHECK (province_code ~ '^[0-9]{2}$'),
    token_hash    bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    created_at    timestamptz NOT NULL DEFAULT now(),
    created_by    text NOT NULL,
    expires_at    timestamptz,
    revoked_at    timestamptz,
    revoked_by    text,
    -- Operators and finance name their districts; the province its province; the others neither.
    CONSTRAINT api_tokens_reach CHECK (CASE role
        WHEN 'operator' THEN cardinality(district_codes) > 0 AND province_code IS NULL
        WHEN 'finance'  THEN cardinality(district_codes) > 0 AND province_code IS NULL
        WHEN 'province' THEN cardinality(district_codes) = 0 AND province_code IS NOT NULL
        ELSE cardinality(district_codes) = 0 AND province_code IS NULL END),
    CONSTRAINT api_tokens_revocation_whole CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
);
ALTER TABLE api_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_tokens FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant ON api_tokens USING (chitra_global());

-- A token's holder and reach, by the token's hash: the one way in for a caller with no scope yet.
-- Runs with rows of no district visible (tokens, all districts) for its own statement only.
CREATE FUNCTION chitra_authenticate(hash bytea)
RETURNS TABLE (token_id bigint, name text, role text, district_codes text[], expired boolean, revoked boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp SET chitra.global = 'on' AS $$
    SELECT t.id, t.name, t.role,
           CASE WHEN t.role IN ('operator', 'finance') THEN t.district_codes
                WHEN t.role = 'province' THEN ARRAY(SELECT d.code FROM districts d WHERE d.province_code = t.province_code ORDER BY 1)
                ELSE ARRAY(SELECT d.code FROM districts d ORDER BY 1) END,
           t.expires_at IS NOT NULL AND t.expires_at <= now(),
           t.revoked_at IS NOT NULL
    FROM api_tokens t WHERE t.token_hash = hash
$$;

-- The audit log: every state-changing action, who, when, what, before and after. Append-only.
CREATE TABLE audit_log (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at             timestamptz NOT NULL DEFAULT now(),
    actor          text NOT NULL CHECK (actor <> ''),
    actor_role     text NOT NULL CHECK (actor_role IN ('operator', 'finance', 'province', 'auditor', 'admin', 'system')),
    actor_token_id bigint,
    action         text NOT NULL CHECK (action ~ '^[a-z_.]+$'),
    district_code  text CHECK (district_code ~ '^[0-9]{3}$'),
    period         date,
    subject        text NOT NULL DEFAULT '',
    before         jsonb,
    after          jsonb
);
CREATE INDEX audit_log_district_at ON audit_log (district_code, at);
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant ON audit_log
    USING (district_code = ANY (chitra_scope()) OR (district_code IS NULL AND chitra_global()));

CREATE FUNCTION refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION refuse_audit_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change();

-- Maker–checker by identity: the token behind each of the run's two signatures.
ALTER TABLE runs
    ADD COLUMN triggered_by_token bigint,
    ADD COLUMN approved_by_token  bigint;

-- Privileges of the application: what the product does, nothing more. No TRUNCATE, no DDL, no
-- change to the audit log or the migrations' record, no reading of token hashes.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO chitra_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO chitra_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO chitra_app;
REVOKE INSERT, UPDATE, DELETE ON schema_migrations FROM chitra_app;
REVOKE UPDATE, DELETE ON audit_log FROM chitra_app;
REVOKE UPDATE, DELETE ON cash_confirmation_files FROM chitra_app;
REVOKE ALL ON api_tokens FROM chitra_app;
GRANT SELECT (id, name, role, district_codes, province_code, created_at, created_by, expires_at, revoked_at, revoked_by),
      INSERT, UPDATE (revoked_at, revoked_by) ON api_tokens TO chitra_app;
REVOKE ALL ON FUNCTION chitra_authenticate(bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chitra_authenticate(bytea) TO chitra_app;
-- Tables of later migrations: the same privileges unless the migration says otherwise.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO chitra_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO chitra_app;
-- The queue's role: the jobs table and nothing else.
GRANT USAGE ON SCHEMA public TO chitra_queue;
GRANT SELECT, INSERT, UPDATE, DELETE ON jobs TO chitra_queue;
GRANT USAGE, SELECT ON SEQUENCE jobs_id_seq TO chitra_queue;

-- Which of these ids another district already holds (ids are unique in the province): an import
-- says so line by line, though the importer's scope cannot read another district's rows. Only the
-- ids and their district come back, nothing of the people.
CREATE FUNCTION chitra_ids_held_elsewhere(district text, ids text[])
RETURNS TABLE (beneficiary_id text, district_code text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp SET chitra.global = 'on' SET chitra.districts = '' AS $$
BEGIN
    PERFORM set_config('chitra.districts', (SELECT string_agg(d.code, ',') FROM districts d), true);
    RETURN QUERY SELECT b.beneficiary_id, b.district_code FROM beneficiaries b
                 WHERE b.beneficiary_id = ANY (ids) AND b.district_code <> district;
END
$$;
REVOKE ALL ON FUNCTION chitra_ids_held_elsewhere(text, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chitra_ids_held_elsewhere(text, text[]) TO chitra_app;
