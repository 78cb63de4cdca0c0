-- Holes a security review found (2026-12-07), closed.
--
-- 1. Whether the statement runs as the owner of the tables was read from `pg_class` by its bare
--    name, in the caller's search path (`chitra_trusted()`, migration 24, which every policy calls
--    first). A session's own temporary schema is searched before `pg_catalog` for tables, and the
--    application's role may make temporary tables: `CREATE TEMP TABLE pg_class (oid oid, relowner
--    oid)` with a row naming `chitra_app` as the owner of `runs` made every policy trust the
--    session — every unit and the rows of none, with no credential at all. The catalogue is now
--    named with its schema (`VerifiedCredentialTests` makes that table and reads nothing).
--
-- 2. Since migration 48 a transaction's verification, once sealed, held for as long as the
--    transaction lasted, and a session decides how long that is: a token revoked, or a job's lease
--    lost, kept reaching its units in a transaction held open. A remembered verification now holds
--    for `verification_key.believed_for` (five seconds) from the transaction's start; after it, the
--    policies verify in full at every statement, as before migration 48 (zero: always). A session's
--    belief (migration 49) is also refused when it says it began in the future (a clock set back).

CREATE OR REPLACE FUNCTION chitra_trusted() RETURNS boolean LANGUAGE plpgsql STABLE PARALLEL RESTRICTED AS $$
DECLARE
    owner pg_catalog.oid;
BEGIN
    SELECT c.relowner INTO owner FROM pg_catalog.pg_class c WHERE c.oid = 'public.runs'::pg_catalog.regclass;
    RETURN pg_catalog.pg_has_role(current_user, owner, 'USAGE');
END
$$;

CREATE OR REPLACE FUNCTION chitra_session_trusted() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT pg_catalog.pg_has_role(session_user, (SELECT c.relowner FROM pg_catalog.pg_class c
                                                 WHERE c.oid = 'public.runs'::pg_catalog.regclass), 'USAGE')
$$;

-- As in migration 48, for `believed_for` from the transaction's start.
CREATE OR REPLACE FUNCTION chitra_remembered_verification() RETURNS text
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    remembered text := current_setting('chitra.verified', true);
    lifetime interval;
BEGIN
    IF remembered IS NULL OR length(remembered) < 68 OR substr(remembered, 65, 1) <> '|' THEN
        RETURN NULL;
    END IF;
    SELECT k.believed_for INTO lifetime FROM verification_key k;
    IF clock_timestamp() - now() >= lifetime THEN
        RETURN NULL;
    END IF;
    -- Hashes compared, not the seals: how long a comparison takes tells nothing of the seal.
    IF sha256(convert_to(left(remembered, 64), 'UTF8')) = sha256(convert_to(chitra_verification_seal(substr(remembered, 66)), 'UTF8')) THEN
        RETURN substr(remembered, 66);
    END IF;
    RETURN NULL;
END
$$;

-- As in migration 49, refusing a belief from the future, and its time read only once it is a number.
CREATE OR REPLACE FUNCTION chitra_set_scope(districts text, every_unit text, global text, credential text) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    -- '<seal, 64 hex digits>|<when verified, µs since the epoch>|<payload>'
    believed text := coalesce(current_setting('chitra.believed', true), '');
    now_us bigint := (extract(epoch FROM clock_timestamp()) * 1000000)::bigint;
    since text;
    lifetime interval;
    verified record;
    payload text;
BEGIN
    PERFORM set_config('chitra.districts', coalesce(districts, ''), true), set_config('chitra.every_unit', coalesce(every_unit, ''), true),
            set_config('chitra.global', coalesce(global, ''), true), set_config('chitra.credential', coalesce(credential, ''), true),
            set_config('chitra.verified', '', true);
    IF length(believed) > 70 AND substr(believed, 65, 1) = '|' THEN
        since := split_part(substr(believed, 66), '|', 1);
        payload := substr(believed, 66 + length(since) + 1);
        IF since ~ '^[0-9]{1,18}$' THEN
            SELECT k.believed_for INTO lifetime FROM verification_key k;
            IF since::bigint <= now_us AND since::bigint > now_us - (extract(epoch FROM lifetime) * 1000000)::bigint
               -- Hashes compared, not the seals (as in migration 48).
               AND sha256(convert_to(left(believed, 64), 'UTF8')) = sha256(convert_to(chitra_seal('believed since ' || since, payload), 'UTF8')) THEN
                PERFORM set_config('chitra.verified', chitra_verification_seal(payload) || '|' || payload, true);
                RETURN true;
            END IF;
        END IF;
    END IF;
    SELECT * INTO verified FROM chitra_verified() LIMIT 1;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    payload := CASE WHEN verified.every_unit THEN 't' ELSE 'f' END || CASE WHEN verified.global THEN 't' ELSE 'f' END || '|'
        || CASE WHEN verified.every_unit THEN coalesce(districts, '')
                ELSE array_to_string(ARRAY(SELECT u FROM unnest(string_to_array(nullif(districts, ''), ',')) u
                                           WHERE u = ANY (verified.units)), ',') END;
    PERFORM set_config('chitra.verified', chitra_verification_seal(payload) || '|' || payload, true);
    IF verified.kind = 'token' THEN
        -- For the session (not the transaction): a later transaction of it may believe it.
        PERFORM set_config('chitra.believed', chitra_seal('believed since ' || now_us, payload) || '|' || now_us || '|' || payload, false);
    END IF;
    RETURN true;
END
$$;

-- The same in the one trigger function that read a table by its bare name in the caller's path (a
-- temporary `bank_statements` would have let entries of no statement in).
CREATE OR REPLACE FUNCTION refuse_entries_of_no_statement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM new_entries n WHERE NOT EXISTS (SELECT 1 FROM public.bank_statements s WHERE s.id = n.statement)) THEN
        RAISE EXCEPTION 'a statement entry names no statement taken in' USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END
$$;
