-- Per-database part of the bootstrap. Idempotent; run as the superuser connected to each of
-- `ecoeficiencia`, `ecoeficiencia_test`, `ecoeficiencia_e2e`, `ecoeficiencia_scale`, `ecoeficiencia_drill` and `ecoeficiencia_bench`
-- (after bootstrap.sql created the roles).
--
-- Isolation model: each service role (and the gateway's) owns exactly one schema and can reach no other
-- (no USAGE on other schemas, nothing granted to PUBLIC). Extensions live in `public`, where the
-- service roles have USAGE (to call unaccent()/similarity()) but not CREATE.

\set ON_ERROR_STOP on
SET client_min_messages = warning;

-- Nothing through PUBLIC: no CONNECT, no TEMP on the database; only the service roles connect.
-- TEMPORARY is granted because temp tables are private to a session (a bulk import may stage rows
-- in one) and reach no other service's data.
REVOKE ALL ON DATABASE :"DBNAME" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"DBNAME" TO enrollment_svc, training_svc, audit_svc, catalog_svc, gateway_svc, webhooks_svc, circular_svc;

REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO enrollment_svc, training_svc, audit_svc, catalog_svc, gateway_svc, webhooks_svc, circular_svc;

-- Extensions need the superuser (unaccent is not trusted); the services only call them.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;

DO $schemas$
DECLARE
    svc text;
BEGIN
    FOREACH svc IN ARRAY ARRAY['enrollment', 'training', 'audit', 'catalog', 'gateway', 'webhooks', 'circular'] LOOP
        EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I', svc, svc || '_svc');
        EXECUTE format('ALTER SCHEMA %I OWNER TO %I', svc, svc || '_svc');
        EXECUTE format('REVOKE ALL ON SCHEMA %I FROM PUBLIC', svc);
    END LOOP;
END
$schemas$;
