-- A person's token, once verified in a session, is believed by that session for a few seconds
-- (issue 29: "cache verified tokens briefly, revocation still effective within a stated bound").
-- Since migration 48 each transaction verifies its credential once, in `chitra_set_scope`; for the
-- API that is once a request, and for a province's reader it was the largest part of a request's
-- database time (0.47 ms of 1.60, `chitra bench api --statements`: the province's units listed and
-- intersected with those asked). The API itself already believes a token it verified for five
-- seconds; now the database does too, in the session that verified it:
--
-- * `chitra_set_scope` keeps, in the session's setting `chitra.believed`, the outcome of a
--   token's verification sealed (migration 48's key) with the backend, the moment it was verified,
--   the credential and the units asked; a later transaction of the same session, presenting the
--   same token and asking for the same units, takes that outcome while it is younger than
--   `verification_key.believed_for` (five seconds; at most one minute; zero believes nothing) —
--   read at each use, so setting it to zero ends every belief at once;
-- * only people's tokens: a job's lease and a service's credential are verified in every
--   transaction (a worker that lost its lease reads and writes nothing from its next transaction);
-- * another token, other units or another session verify in full, as before.
--
-- So a token revoked is refused by the API at once when revoked through it (within five seconds
-- when revoked elsewhere), and by the database within `believed_for` in a session that had
-- verified it, at its next transaction in any other.

ALTER TABLE verification_key ADD COLUMN believed_for interval NOT NULL DEFAULT interval '5 seconds'
    CHECK (believed_for >= interval '0' AND believed_for <= interval '1 minute');

-- The seal of `payload` under `binding` (a transaction's start, or when a belief began), for this
-- backend, its credential and the units it asks (hex). The owner's functions' alone.
CREATE FUNCTION chitra_seal(binding text, payload text) RETURNS text
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED AS $$
DECLARE
    secret bytea;
    backend text := pg_backend_pid()::text;
    credential text := coalesce(current_setting('chitra.credential', true), '');
    asked text := coalesce(current_setting('chitra.districts', true), '');
    message text;
BEGIN
    SELECT k.key INTO STRICT secret FROM public.verification_key k;
    -- Each part with its length before it: no two different bindings' parts read the same.
    message := length(backend) || ':' || backend || length(binding) || ':' || binding || length(credential) || ':' || credential
        || length(asked) || ':' || asked || length(payload) || ':' || payload;
    RETURN encode(sha256(secret || sha256(secret || convert_to(message, 'UTF8'))), 'hex');
END
$$;
REVOKE ALL ON FUNCTION chitra_seal(text, text) FROM PUBLIC;

-- A transaction's seal (migration 48), through the one sealing function.
CREATE OR REPLACE FUNCTION chitra_verification_seal(payload text) RETURNS text
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED AS $$
BEGIN
    RETURN chitra_seal('transaction ' || (extract(epoch FROM now()) * 1000000)::bigint, payload);
END
$$;

-- As in migration 48, taking a token's outcome from the session's belief while it holds.
CREATE OR REPLACE FUNCTION chitra_set_scope(districts text, every_unit text, global text, credential text) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    -- '<seal, 64 hex digits>|<when verified, µs since the epoch>|<payload>'
    believed text := coalesce(current_setting('chitra.believed', true), '');
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
        SELECT k.believed_for INTO lifetime FROM verification_key k;
        IF since ~ '^[0-9]{1,18}$' AND since::bigint > (extract(epoch FROM clock_timestamp() - lifetime) * 1000000)::bigint
           -- Hashes compared, not the seals (as in migration 48).
           AND sha256(convert_to(left(believed, 64), 'UTF8')) = sha256(convert_to(chitra_seal('believed since ' || since, payload), 'UTF8')) THEN
            PERFORM set_config('chitra.verified', chitra_verification_seal(payload) || '|' || payload, true);
            RETURN true;
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
        since := (extract(epoch FROM clock_timestamp()) * 1000000)::bigint::text;
        -- For the session (not the transaction): a later transaction of it may believe it.
        PERFORM set_config('chitra.believed', chitra_seal('believed since ' || since, payload) || '|' || since || '|' || payload, false);
    END IF;
    RETURN true;
END
$$;
