-- A unit's first register goes by COPY straight into the register again, the tenant still checked
-- by the database.
--
-- PostgreSQL refuses `COPY FROM` into a table under row-level security for every role the policies
-- bind, so since tenancy a first register was COPYed into a temporary twin and moved by
-- `INSERT … SELECT`: one heap row and its index entries at a time, where COPY writes a page at a
-- time (the import at 0.56× the speed of the code before tenancy, ops/bench/results/import.md).
--
-- `chitra_copy_in` is the role a bulk COPY runs as (`SET LOCAL ROLE`, see ChitraStore's
-- `CopyInRole`): it bypasses row-level security, so PostgreSQL accepts the COPY, and it holds
-- nothing but INSERT on the tables it loads: it reads no row (no SELECT: no RETURNING, no COPY TO),
-- changes none, deletes none. What the policies checked of each row written is checked once per
-- statement instead, over the statement's inserted rows (a transition table, which keeps COPY's
-- page-at-a-time writes, where a row trigger would not): every row must belong to a unit the
-- transaction's verified credential reaches, exactly the policies' rule; one row outside it and
-- the whole statement fails, as a policy would fail it.
--
-- A membership is the cluster's: a superuser makes the role and grants it once
-- (`AdminStatement.ensureRoles`); this grants it only where that was not done.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'chitra_copy_in') THEN
        IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
            RAISE EXCEPTION 'role chitra_copy_in is missing: a superuser must create it first (CREATE ROLE chitra_copy_in NOLOGIN BYPASSRLS)';
        END IF;
        CREATE ROLE chitra_copy_in NOLOGIN BYPASSRLS;
    END IF;
    IF NOT pg_has_role('chitra_api', 'chitra_copy_in', 'MEMBER') THEN
        GRANT chitra_copy_in TO chitra_api;
    END IF;
    IF NOT pg_has_role('chitra_worker', 'chitra_copy_in', 'MEMBER') THEN
        GRANT chitra_copy_in TO chitra_worker;
    END IF;
END
$$;

REVOKE ALL ON ALL TABLES IN SCHEMA public FROM chitra_copy_in;
GRANT INSERT ON beneficiaries TO chitra_copy_in;
-- The policies' functions, which the statement's check calls as this role.
GRANT EXECUTE ON FUNCTION chitra_verified() TO chitra_copy_in;

-- Every row a statement inserted belongs to a unit the transaction's credential reaches (the
-- tenant policies' rule: every unit, or the units asked within what the credential verifies to).
-- It runs as whoever inserts: for the application's roles the policies have checked each row
-- already; for chitra_copy_in, which they do not bind, this is the check.
CREATE FUNCTION chitra_inserted_rows_in_scope() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    everything boolean;
    scope text[];
BEGIN
    IF current_user = 'chitra_copy_in' AND chitra_session_trusted() THEN
        -- The owner's own session loading in bulk: trusted with what it asked, as the policies
        -- trust the owner (chitra_trusted() looks at current_user, which is this role here).
        everything := coalesce(current_setting('chitra.every_unit', true), '') = 'on';
        scope := string_to_array(nullif(current_setting('chitra.districts', true), ''), ',');
    ELSE
        everything := chitra_every_unit();
        scope := chitra_scope();
    END IF;
    IF everything THEN
        RETURN NULL;
    END IF;
    IF EXISTS (SELECT FROM inserted WHERE (unit_code = ANY (scope)) IS NOT TRUE) THEN
        RAISE EXCEPTION 'new row violates row-level security policy for table "%"', TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER beneficiaries_inserted_in_scope AFTER INSERT ON beneficiaries
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION chitra_inserted_rows_in_scope();
