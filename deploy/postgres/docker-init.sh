#!/bin/bash
# Postgres bootstrap for docker-compose: mounted into /docker-entrypoint-initdb.d/, so the official
# postgres image runs it once, when it initialises an empty volume (as the `postgres` OS user, with
# a local trust connection). Same SQL as the local deploy/postgres/pg.sh: bootstrap.sql once, then
# bootstrap-db.sql in each database. The SQL files are mounted at /eco-sql.
set -euo pipefail

SQL_DIR=/eco-sql

# psql's \set takes a single-quoted value in which \ and ' must be escaped.
psql_quote() {
    local v="${1//\\/\\\\}"
    printf "'%s'" "${v//\'/\\\'}"
}

{
    printf '\\set superpw %s\n' "$(psql_quote "${ECO_PG_SUPERPASSWORD:-${POSTGRES_PASSWORD:-postgres-dev}}")"
    for svc in enrollment training audit catalog gateway webhooks circular; do
        var="ECO_PG_PASSWORD_${svc^^}"
        printf '\\set pw_%s %s\n' "$svc" "$(psql_quote "${!var:-$svc-dev-password}")"
    done
    cat "$SQL_DIR/bootstrap.sql"
    for db in ecoeficiencia ecoeficiencia_test ecoeficiencia_e2e ecoeficiencia_scale ecoeficiencia_drill ecoeficiencia_bench; do
        printf '\\connect %s\n' "$db"
        cat "$SQL_DIR/bootstrap-db.sql"
    done
} | psql -X -q -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres
