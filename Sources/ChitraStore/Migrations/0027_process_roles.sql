-- Separate roles for separate processes. Until now `chitra serve` and the workers logged in as the
-- application's role, which was also a member of the queue's role: whoever held the API's password
-- could `SET ROLE chitra_queue` and read every unit's jobs. From now on:
--   chitra_api     what `chitra serve` logs in as: the application's privileges (chitra_app), no queue;
--   chitra_worker  what workers log in as: the application's privileges, and the queue's role;
--   chitra_app     the privileges both share, bound by row-level security; nobody logs in as it;
--   chitra_queue   the queue's own statements (claim, heartbeat, outcomes, rescue), jobs only.
-- The owner of the tables (who runs this) is not a superuser in the private cluster: a bootstrap
-- superuser made these roles and let the owner grant them (see LocalCluster.ensureRoles). On another
-- server a superuser makes them before the first migration, as for chitra_queue.

DO $$
DECLARE
    missing text;
BEGIN
    FOREACH missing IN ARRAY ARRAY['chitra_api', 'chitra_worker'] LOOP
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = missing) THEN
            IF NOT (SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user) THEN
                RAISE EXCEPTION 'role % is missing: a superuser must create it first (CREATE ROLE % LOGIN PASSWORD ''…'')', missing, missing;
            END IF;
            EXECUTE format('CREATE ROLE %I NOLOGIN', missing);
        END IF;
    END LOOP;
END
$$;

GRANT chitra_app TO chitra_api;
GRANT chitra_app TO chitra_worker;
GRANT chitra_queue TO chitra_worker;
REVOKE chitra_queue FROM chitra_app;
