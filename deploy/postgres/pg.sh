#!/usr/bin/env bash
# Local PostgreSQL for the project: deploy/postgres/pg.sh up|down|status
#
#   up      install PostgreSQL from Debian if missing, initdb once, start, wait, bootstrap
#           (roles, databases, schemas, extensions: deploy/postgres/bootstrap*.sql). Idempotent.
#   down    stop fast (pg_ctl stop -m fast)
#   status  exit 0 when the server answers
#
# Runtime state: .local/pg/{data,run}, log .local/logs/postgres.log. The server runs as the
# `postgres` OS user because postgres refuses to run as root.
set -euo pipefail

# shellcheck source=deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
ECO_COMPONENT=postgres

PG_PORT="${ECO_PG_PORT:-55432}"
PG_SUPERPASSWORD="${ECO_PG_SUPERPASSWORD:-postgres-dev}"
PG_HOME="$ECO_LOCAL/pg"
PG_DATA="$PG_HOME/data"
PG_SOCK="$PG_HOME/run"
PG_LOG="$ECO_LOGS/postgres.log"
PG_OS_USER=postgres
SQL_DIR="$ECO_ROOT/deploy/postgres"
# ecoeficiencia_e2e: the processes behind nginx in tests/e2e, apart from the in-process
# integration tests (their relays would otherwise publish each other's outbox rows).
# ecoeficiencia_scale: tests/e2e/test_scale_out.py, two instances of a service on one outbox.
# ecoeficiencia_drill: the fault drills' processes (tests/drills), apart from the others.
# ecoeficiencia_bench: bench/ (issue 15): bulk-seeded read models, apart from every test database.
DATABASES=(ecoeficiencia ecoeficiencia_test ecoeficiencia_e2e ecoeficiencia_scale ecoeficiencia_drill ecoeficiencia_bench)
# Schemas with their own role: the services and the gateway app (API keys).
SERVICES=(enrollment training audit catalog gateway webhooks circular)

# Newest installed major version; the Debian package lays binaries out as /usr/lib/postgresql/<v>/bin.
find_pg_bin() {
    local dir
    dir="$(printf '%s\n' /usr/lib/postgresql/*/bin | grep -v '\*' | sort -V | tail -n 1 || true)"
    [[ -n "$dir" && -x "$dir/initdb" ]] && printf '%s\n' "$dir"
}

ensure_installed() {
    PG_BIN="$(find_pg_bin || true)"
    if [[ -z "$PG_BIN" ]]; then
        apt_install postgresql
        PG_BIN="$(find_pg_bin || true)"
        [[ -n "$PG_BIN" ]] || die "postgresql installed but no /usr/lib/postgresql/*/bin/initdb found"
    fi
    id -u "$PG_OS_USER" >/dev/null 2>&1 || die "OS user '$PG_OS_USER' missing (the postgresql package creates it)"
}

# Run a command as the postgres OS user (root can switch without a password; a non-root user can
# only run the server if it already is that user).
# From / so the tools don't warn about a cwd the postgres user cannot enter.
as_pg() {
    if [[ "$(id -un)" == "$PG_OS_USER" ]]; then
        "$@"
    else
        (cd / && runuser -u "$PG_OS_USER" -- "$@")
    fi
}

# .local/pg may be a link to /var/tmp (see prepare_dirs): the postgres user gets real paths.
resolve_paths() {
    if [[ -L "$PG_HOME" ]]; then
        PG_HOME="$(readlink -f "$PG_HOME")"
        PG_DATA="$PG_HOME/data"
        PG_SOCK="$PG_HOME/run"
    fi
}

# The postgres user must be able to reach .local/pg. When the clone sits under a directory it
# cannot traverse (e.g. /root, mode 700), keep the state in /var/tmp and link it from .local so the
# documented paths still work.
prepare_dirs() {
    mkdir -p "$ECO_LOCAL" "$ECO_LOGS"
    if [[ ! -e "$PG_HOME" ]]; then
        mkdir -p "$PG_HOME"
        if ! as_pg test -x "$PG_HOME"; then
            local alt
            alt="/var/tmp/ecoeficiencia-pg-$(printf '%s' "$ECO_ROOT" | sha1sum | cut -c1-12)"
            log "$PG_OS_USER cannot reach $PG_HOME; keeping its state in $alt (linked)"
            rmdir "$PG_HOME"
            mkdir -p "$alt"
            ln -s "$alt" "$PG_HOME"
        fi
    fi
    resolve_paths
    mkdir -p "$PG_DATA" "$PG_SOCK"
    chown "$PG_OS_USER:" "$PG_HOME" "$PG_DATA" "$PG_SOCK"
    chmod 700 "$PG_DATA"
    # pg_ctl opens (appends to) the log as the postgres user: give it a file it owns. When it cannot
    # even traverse .local/logs (see above), the file lives next to the data and is linked.
    if as_pg test -x "$ECO_LOGS"; then
        [[ -L "$ECO_LOGS/postgres.log" ]] && rm -f "$ECO_LOGS/postgres.log"
        PG_LOG="$ECO_LOGS/postgres.log"
    else
        PG_LOG="$PG_HOME/postgres.log"
        ln -sfn "$PG_LOG" "$ECO_LOGS/postgres.log"
    fi
    touch "$PG_LOG"
    chown "$PG_OS_USER:" "$PG_LOG"
}

init_cluster() {
    [[ -s "$PG_DATA/PG_VERSION" ]] && return 0
    log "initdb $PG_DATA"
    local pwfile
    pwfile="$(mktemp "$PG_HOME/.pwfile.XXXXXX")"
    printf '%s\n' "$PG_SUPERPASSWORD" >"$pwfile"
    chown "$PG_OS_USER:" "$pwfile"
    chmod 600 "$pwfile"
    # TCP: scram passwords; unix socket: peer (only the postgres OS user gets in as postgres).
    if ! as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --pwfile="$pwfile" \
        --auth-host=scram-sha-256 --auth-local=peer --encoding=UTF8 --locale=C.UTF-8 >>"$PG_LOG" 2>&1; then
        rm -f "$pwfile"
        show_tail "$PG_LOG"
        die "initdb failed"
    fi
    rm -f "$pwfile"
    # Our settings live in their own file, rewritten on every `up` (so a changed port applies).
    printf "\ninclude_if_exists = 'eco.conf'\n" >>"$PG_DATA/postgresql.conf"
}

write_settings() {
    cat >"$PG_DATA/eco.conf" <<EOF
# Written by deploy/postgres/pg.sh on every 'up': edits here are lost.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_SOCK'
# A 2-core machine shared with Kafka and seven services: modest memory, room for connection pools
# (per process: the engine's pool, 10 + 10 overflow, and the read path's, up to 10; the test suite
# runs the e2e stack, the in-process apps and the scale-out replicas on this one server).
max_connections = 400
shared_buffers = 256MB
effective_cache_size = 1GB
work_mem = 4MB
maintenance_work_mem = 64MB
password_encryption = scram-sha-256
log_line_prefix = '%m [%p] %q%u@%d '
log_min_duration_statement = 1000
EOF
    chown "$PG_OS_USER:" "$PG_DATA/eco.conf"
}

is_ready() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 1 >/dev/null 2>&1; }

our_server_running() { as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; }

start_server() {
    if our_server_running; then
        log "already running (port $PG_PORT)"
        return 0
    fi
    if port_open "$PG_PORT"; then
        die "port $PG_PORT is taken by another process (another checkout's Postgres?); stop it or set ECO_PG_PORT"
    fi
    log "starting on 127.0.0.1:$PG_PORT"
    printf '\n=== pg.sh up %s ===\n' "$(date -Is)" >>"$PG_LOG"
    # -w: pg_ctl itself waits for the server to accept connections (or to fail).
    if ! as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 start >/dev/null; then
        show_tail "$PG_LOG"
        die "server did not start"
    fi
}

wait_ready() {
    local deadline=$((SECONDS + 60))
    until is_ready; do
        if ((SECONDS >= deadline)); then
            show_tail "$PG_LOG"
            die "no answer from pg_isready on 127.0.0.1:$PG_PORT after 60s"
        fi
        sleep 0.2
    done
}

# psql's \set takes a single-quoted value in which \ and ' must be escaped.
psql_quote() {
    local v="${1//\\/\\\\}"
    printf "'%s'" "${v//\'/\\\'}"
}

bootstrap_input() {
    printf '\\set superpw %s\n' "$(psql_quote "$PG_SUPERPASSWORD")"
    local svc var
    for svc in "${SERVICES[@]}"; do
        var="ECO_PG_PASSWORD_${svc^^}"
        printf '\\set pw_%s %s\n' "$svc" "$(psql_quote "${!var:-$svc-dev-password}")"
    done
    cat "$SQL_DIR/bootstrap.sql"
    local db
    for db in "${DATABASES[@]}"; do
        printf '\\connect %s\n' "$db"
        cat "$SQL_DIR/bootstrap-db.sql"
    done
}

bootstrap() {
    # Through the unix socket with peer auth: works before any password is known to be right.
    # The SQL arrives on stdin so the postgres user needs no access to the checkout.
    if ! bootstrap_input | as_pg "$PG_BIN/psql" -X -q -h "$PG_SOCK" -p "$PG_PORT" -U postgres -d postgres \
        -v ON_ERROR_STOP=1 >/dev/null; then
        die "bootstrap SQL failed (see messages above)"
    fi
}

cmd_up() {
    local t0
    t0="$(now)"
    ensure_installed
    prepare_dirs
    init_cluster
    write_settings
    start_server
    wait_ready
    bootstrap
    log "ready on 127.0.0.1:$PG_PORT (databases: ${DATABASES[*]}) in $(elapsed_since "$t0")s"
}

cmd_down() {
    PG_BIN="$(find_pg_bin || true)"
    if [[ -z "$PG_BIN" || ! -s "$PG_DATA/PG_VERSION" ]]; then
        log "not initialised: nothing to stop"
        return 0
    fi
    if ! our_server_running; then
        log "not running"
        return 0
    fi
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null
    log "stopped"
}

cmd_status() {
    PG_BIN="$(find_pg_bin || true)"
    if [[ -n "$PG_BIN" && -s "$PG_DATA/PG_VERSION" ]] && our_server_running && is_ready; then
        log "running on 127.0.0.1:$PG_PORT"
        return 0
    fi
    log "not running"
    return 1
}

resolve_paths
case "${1:-}" in
up) cmd_up ;;
down) cmd_down ;;
status) cmd_status ;;
*)
    echo "usage: $0 up|down|status" >&2
    exit 2
    ;;
esac
