-- A transaction's credential is verified once, when Chitra sets its scope, instead of once for
-- each table each statement reads. Every tenant policy asks `chitra_scope()` (and
-- `chitra_every_unit()`) who the transaction's credential is; each call hashed the secret, looked
-- it up (a job's lease: two hashes, the job and the worker's credential; a province's token: its
-- units) and intersected the units asked with those it reaches: in `psql`, 36 µs a call for a
-- job's lease, 31 µs for an operator's token, 125 µs for a province's. A country's million makes
-- some 80,000 such calls, an API request two or more.
--
-- Now `chitra_set_scope(...)`, which Chitra calls in the statement that opens a scoped transaction,
-- sets the settings as before, verifies the credential once and remembers the outcome in the
-- setting `chitra.verified`: what it reaches (every unit, the rows of none, the units asked that it
-- reaches), sealed with a key only the owner of the tables reads. The seal covers the backend, the
-- transaction's start, the credential and the units asked, so a remembered outcome is worth
-- nothing in another transaction, under another credential or for other units: the policies then
-- verify in full, as before. The session can read and write the setting like any other; it cannot
-- make a seal. Calls with the outcome remembered: 15–18 µs in `psql` (the seal checked), whatever
-- the credential.
--
-- Revocation therefore takes effect from a credential's next transaction, not its next statement:
-- a token revoked, or a job's lease lost, while one of its transactions runs is still honoured
-- until that transaction ends (an API request's, or one step of a job's).
--
-- The key is a table's row: it reaches a standby with the rest, and a standby's transactions (which
-- cannot write tables) remember their verification too: the setting is no write.

CREATE TABLE verification_key (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    key bytea NOT NULL CHECK (octet_length(key) = 32)
);
-- The owner's alone, by its privileges. No row-level security: it holds no unit's rows, and a
-- policy read at every seal checked cost a fifth of the check (TenancyTests names it).
REVOKE ALL ON verification_key FROM PUBLIC, chitra_app, chitra_queue, chitra_copy_in;
-- 244 random bits from the server's strong random source (gen_random_uuid), hashed into 32 bytes.
INSERT INTO verification_key (key) VALUES (sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')));

-- The seal of `payload` for this transaction, its credential and the units it asks (hex). Called
-- only by the owner's functions below: whoever could call it could seal anything.
CREATE FUNCTION chitra_verification_seal(payload text) RETURNS text
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED AS $$
DECLARE
    secret bytea;
    backend text := pg_backend_pid()::text;
    started text := (extract(epoch FROM now()) * 1000000)::bigint::text;
    credential text := coalesce(current_setting('chitra.credential', true), '');
    asked text := coalesce(current_setting('chitra.districts', true), '');
    message text;
BEGIN
    SELECT k.key INTO STRICT secret FROM public.verification_key k;
    -- Each part with its length before it: no two different transactions' parts read the same.
    message := length(backend) || ':' || backend || length(started) || ':' || started || length(credential) || ':' || credential
        || length(asked) || ':' || asked || length(payload) || ':' || payload;
    RETURN encode(sha256(secret || sha256(secret || convert_to(message, 'UTF8'))), 'hex');
END
$$;
REVOKE ALL ON FUNCTION chitra_verification_seal(text) FROM PUBLIC;

-- The outcome this transaction remembered for its credential and the units it asks, if its seal
-- holds: '<every unit t|f><rows of none t|f>|<units asked that it reaches, comma-separated>'.
CREATE FUNCTION chitra_remembered_verification() RETURNS text
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    remembered text := current_setting('chitra.verified', true);
BEGIN
    IF remembered IS NULL OR length(remembered) < 67 OR substr(remembered, 65, 1) <> '|' THEN
        RETURN NULL;
    END IF;
    -- Hashes compared, not the seals: how long a comparison takes tells nothing of the seal.
    IF sha256(convert_to(left(remembered, 64), 'UTF8')) = sha256(convert_to(chitra_verification_seal(substr(remembered, 66)), 'UTF8')) THEN
        RETURN substr(remembered, 66);
    END IF;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION chitra_remembered_verification() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chitra_remembered_verification() TO chitra_app, chitra_copy_in;

-- Sets a transaction's scope (as `set_config(..., true)` would) and remembers what its credential
-- verifies to. True when the credential verified.
CREATE FUNCTION chitra_set_scope(districts text, every_unit text, global text, credential text) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    verified record;
    payload text;
BEGIN
    PERFORM set_config('chitra.districts', coalesce(districts, ''), true), set_config('chitra.every_unit', coalesce(every_unit, ''), true),
            set_config('chitra.global', coalesce(global, ''), true), set_config('chitra.credential', coalesce(credential, ''), true),
            set_config('chitra.verified', '', true);
    SELECT * INTO verified FROM chitra_verified() LIMIT 1;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    payload := CASE WHEN verified.every_unit THEN 't' ELSE 'f' END || CASE WHEN verified.global THEN 't' ELSE 'f' END || '|'
        || CASE WHEN verified.every_unit THEN coalesce(districts, '')
                ELSE array_to_string(ARRAY(SELECT u FROM unnest(string_to_array(nullif(districts, ''), ',')) u
                                           WHERE u = ANY (verified.units)), ',') END;
    PERFORM set_config('chitra.verified', chitra_verification_seal(payload) || '|' || payload, true);
    RETURN true;
END
$$;
REVOKE ALL ON FUNCTION chitra_set_scope(text, text, text, text) FROM PUBLIC;
-- (chitra_queue too: a worker's connections start as the queue's role and become the application's in
-- the same statement.)
GRANT EXECUTE ON FUNCTION chitra_set_scope(text, text, text, text) TO chitra_app, chitra_queue;

-- The units asked (chitra.districts), within what the credential reaches: remembered, else verified.
CREATE OR REPLACE FUNCTION chitra_scope() RETURNS text[] LANGUAGE plpgsql STABLE PARALLEL RESTRICTED AS $$
DECLARE
    raw text := nullif(current_setting('chitra.districts', true), '');
    remembered text;
    asked text[];
    verified record;
BEGIN
    IF raw IS NULL OR chitra_trusted() THEN
        RETURN string_to_array(raw, ',');
    END IF;
    IF coalesce(current_setting('chitra.verified', true), '') <> '' THEN
        remembered := chitra_remembered_verification();
        IF remembered IS NOT NULL THEN
            RETURN string_to_array(substr(remembered, 4), ',');
        END IF;
    END IF;
    asked := string_to_array(raw, ',');
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

-- A flag the transaction set ('chitra.every_unit', 'chitra.global'), if its credential may set it:
-- remembered, else verified.
CREATE OR REPLACE FUNCTION chitra_flag_granted(setting text) RETURNS boolean LANGUAGE plpgsql STABLE PARALLEL RESTRICTED AS $$
DECLARE
    remembered text;
    verified record;
BEGIN
    IF coalesce(current_setting(setting, true), '') <> 'on' THEN
        RETURN false;
    END IF;
    IF chitra_trusted() THEN
        RETURN true;
    END IF;
    IF coalesce(current_setting('chitra.verified', true), '') <> '' THEN
        remembered := chitra_remembered_verification();
        IF remembered IS NOT NULL THEN
            RETURN CASE setting WHEN 'chitra.every_unit' THEN substr(remembered, 1, 1) = 't'
                                WHEN 'chitra.global' THEN substr(remembered, 2, 1) = 't' ELSE false END;
        END IF;
    END IF;
    SELECT * INTO verified FROM chitra_verified() LIMIT 1;
    RETURN coalesce(CASE setting WHEN 'chitra.every_unit' THEN verified.every_unit WHEN 'chitra.global' THEN verified.global END, false);
END
$$;
