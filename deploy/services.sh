#!/usr/bin/env bash
# The Python services as background uvicorn processes: deploy/services.sh up|down|status [name...]
#
#   up      start every service not already running (one process each), then wait until each
#           answers GET /health with 200. Services whose services/<name>/main.py does not exist
#           yet are skipped with a note.
#   down    stop them by pid file (SIGTERM, SIGKILL after 10 s)
#   status  list which are running; exit 0 when all started ones are
#
# ECO_WORKERS (default 1): uvicorn worker processes per service, each with its own relay (relays
# on one outbox take turns: shared/events/relay.py) and consumer (members of one consumer group).
#
# Optional names restrict the command to those services. Logs: .local/logs/<name>.log,
# pids: .local/run/<name>.pid. Every ECO_* (and other) variable of the caller is passed through;
# ECO_SERVICE=<name> is added.
set -euo pipefail

# shellcheck source=deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ECO_COMPONENT=services
# Unset means production to the settings; `make run` is a development stack unless told otherwise
# (ECO_ENV in the environment or .env wins).
export ECO_ENV="${ECO_ENV:-dev}"

ALL_SERVICES=(gateway enrollment training audit catalog webhooks circular)
HEALTH_DEADLINE=60
STOP_GRACE=10

port_of() {
    case "$1" in
    gateway) echo "${ECO_GATEWAY_APP_PORT:-8100}" ;;
    enrollment) echo "${ECO_ENROLLMENT_PORT:-8101}" ;;
    training) echo "${ECO_TRAINING_PORT:-8102}" ;;
    audit) echo "${ECO_AUDIT_PORT:-8103}" ;;
    catalog) echo "${ECO_CATALOG_PORT:-8104}" ;;
    webhooks) echo "${ECO_WEBHOOKS_PORT:-8105}" ;;
    circular) echo "${ECO_CIRCULAR_PORT:-8106}" ;;
    *) die "unknown service '$1' (known: ${ALL_SERVICES[*]})" ;;
    esac
}

pidfile_of() { echo "$ECO_RUN/$1.pid"; }
logfile_of() { echo "$ECO_LOGS/$1.log"; }
running_pid() { live_pid_from "$(pidfile_of "$1")" "services.$1.main:create_app"; }

health_ok() {
    local code
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$(port_of "$1")/health" || true)"
    [[ "$code" == 200 ]]
}

start_one() {
    local name="$1" port pid
    port="$(port_of "$name")"
    if pid="$(running_pid "$name")"; then
        log "$name already running (pid $pid, port $port)"
        return 0
    fi
    if port_open "$port"; then
        die "$name: port $port is taken by another process; stop it or set its ECO_*_PORT"
    fi
    local logfile
    logfile="$(logfile_of "$name")"
    printf '\n=== services.sh up %s (port %s) ===\n' "$(date -Is)" "$port" >>"$logfile"
    (
        cd "$ECO_ROOT"
        spawn_detached "$(pidfile_of "$name")" "$logfile" \
            env ECO_SERVICE="$name" "$ECO_ROOT/.venv/bin/uvicorn" --factory "services.$name.main:create_app" \
            --host 127.0.0.1 --port "$port" --loop uvloop --http httptools --no-access-log \
            --workers "${ECO_WORKERS:-1}"
    )
    log "$name starting (pid $(<"$(pidfile_of "$name")"), port $port)"
}

# Poll every started service until /health says 200; fail with the log tail if one dies.
wait_healthy() {
    local pending=("$@") still name pid deadline=$((SECONDS + HEALTH_DEADLINE))
    while ((${#pending[@]})); do
        still=()
        for name in "${pending[@]}"; do
            if health_ok "$name"; then
                log "$name healthy on 127.0.0.1:$(port_of "$name")"
                continue
            fi
            if ! pid="$(running_pid "$name")"; then
                show_tail "$(logfile_of "$name")" 40
                die "$name exited during start-up (log: $(logfile_of "$name"))"
            fi
            still+=("$name")
        done
        pending=("${still[@]+"${still[@]}"}")
        ((${#pending[@]})) || break
        if ((SECONDS >= deadline)); then
            for name in "${pending[@]}"; do show_tail "$(logfile_of "$name")" 20; done
            die "no 200 from GET /health within ${HEALTH_DEADLINE}s: ${pending[*]}"
        fi
        sleep 0.3
    done
}

cmd_up() {
    local t0 name started=()
    t0="$(now)"
    [[ -x "$ECO_ROOT/.venv/bin/uvicorn" ]] || die ".venv/bin/uvicorn missing: run 'make venv' first"
    mkdir -p "$ECO_LOGS" "$ECO_RUN"
    for name in "${SERVICES[@]}"; do
        if [[ ! -f "$ECO_ROOT/services/$name/main.py" ]]; then
            log "note: services/$name/main.py does not exist yet: $name skipped"
            continue
        fi
        start_one "$name"
        started+=("$name")
    done
    ((${#started[@]})) || {
        log "no service to start"
        return 0
    }
    wait_healthy "${started[@]}"
    log "${#started[@]} service(s) up in $(elapsed_since "$t0")s: ${started[*]}"
}

cmd_down() {
    local name pid
    for name in "${SERVICES[@]}"; do
        if pid="$(running_pid "$name")"; then
            stop_pid "$pid" "$STOP_GRACE" "$name"
            log "$name stopped"
        fi
        rm -f "$(pidfile_of "$name")"
    done
}

cmd_status() {
    local name pid rc=0
    for name in "${SERVICES[@]}"; do
        if pid="$(running_pid "$name")"; then
            if health_ok "$name"; then
                log "$name running (pid $pid, port $(port_of "$name")), healthy"
            else
                log "$name running (pid $pid, port $(port_of "$name")), /health not 200"
                rc=1
            fi
        elif [[ -f "$ECO_ROOT/services/$name/main.py" ]]; then
            log "$name not running"
            rc=1
        fi
    done
    return "$rc"
}

action="${1:-}"
shift || true
if (($#)); then
    SERVICES=("$@")
else
    SERVICES=("${ALL_SERVICES[@]}")
fi
for name in "${SERVICES[@]}"; do port_of "$name" >/dev/null; done

case "$action" in
up) cmd_up ;;
down) cmd_down ;;
status) cmd_status ;;
*)
    echo "usage: $0 up|down|status [${ALL_SERVICES[*]}]" >&2
    exit 2
    ;;
esac
