-- Cluster-wide part of the bootstrap: roles and databases. Idempotent; run as the superuser,
-- connected to the `postgres` database, by deploy/postgres/pg.sh (local) or
-- deploy/postgres/docker-init.sh (compose). Both set these psql variables first:
--   :superpw                 password of the `postgres` superuser
--   :pw_enrollment :pw_training :pw_audit :pw_catalog   passwords of the service roles
--   :pw_gateway              password of the gateway app's role (its schema holds the API keys)
--   :pw_webhooks             password of the webhooks service's role
--   :pw_circular             password of the circular-economy service's role
-- Then, for each database, they run bootstrap-db.sql connected to it.

\set ON_ERROR_STOP on
SET client_min_messages = warning;

-- Passwords go through session settings so one DO block can loop over the services
-- (psql variables are not expanded inside dollar-quoted bodies).
SET eco.pw_enrollment = :'pw_enrollment';
SET eco.pw_training = :'pw_training';
SET eco.pw_audit = :'pw_audit';
SET eco.pw_catalog = :'pw_catalog';
SET eco.pw_gateway = :'pw_gateway';
SET eco.pw_webhooks = :'pw_webhooks';
SET eco.pw_circular = :'pw_circular';
SET eco.superpw = :'superpw';

DO $bootstrap$
DECLARE
    svc text;
    role_name text;
BEGIN
    -- Re-applied every run so that changing ECO_PG_SUPERPASSWORD takes effect on `up`.
    EXECUTE format('ALTER ROLE postgres WITH PASSWORD %L', current_setting('eco.superpw'));

    FOREACH svc IN ARRAY ARRAY['enrollment', 'training', 'audit', 'catalog', 'gateway', 'webhooks', 'circular'] LOOP
        role_name := svc || '_svc';
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = role_name) THEN
            EXECUTE format('CREATE ROLE %I LOGIN', role_name);
        END IF;
        -- No superuser, no createdb/createrole: a service owns its schema and nothing else.
        EXECUTE format(
            'ALTER ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD %L',
            role_name, current_setting('eco.pw_' || svc));
        -- `public` comes second only so that the pg_trgm / unaccent objects installed there
        -- (similarity(), %, gin_trgm_ops, unaccent()) resolve unqualified; nobody may CREATE in
        -- public, so new tables always land in the service's own schema.
        EXECUTE format('ALTER ROLE %I SET search_path = %I, public', role_name, svc);
    END LOOP;
END
$bootstrap$;

-- CREATE DATABASE cannot run inside a DO block (it refuses transaction blocks): use \gexec.
SELECT format('CREATE DATABASE %I WITH ENCODING %L TEMPLATE template0', d, 'UTF8')
FROM unnest(ARRAY['ecoeficiencia', 'ecoeficiencia_test', 'ecoeficiencia_e2e', 'ecoeficiencia_scale', 'ecoeficiencia_drill', 'ecoeficiencia_bench']) AS d
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = d) \gexec

-- The test databases are thrown away and rebuilt at will: trade durability of the last few
-- commits on a crash for faster commits in the test suite. `ecoeficiencia` keeps the defaults.
ALTER DATABASE ecoeficiencia_test SET synchronous_commit = off;
ALTER DATABASE ecoeficiencia_e2e SET synchronous_commit = off;
ALTER DATABASE ecoeficiencia_scale SET synchronous_commit = off;
ALTER DATABASE ecoeficiencia_bench SET synchronous_commit = off;
-- ecoeficiencia_drill keeps synchronous commits: the fault drills (tests/drills) stop this server
-- and then count every committed write.
