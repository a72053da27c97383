#!/usr/bin/env bash
# Local Kafka broker (KRaft, single node) from Maven Central jars: deploy/kafka/kafka.sh up|down|status
#
#   up      fetch jars if needed, render config, format storage once, start, wait until ready
#   down    SIGTERM (clean shutdown hook), SIGKILL after 30 s
#   status  exit 0 when the broker answers an admin request
#
# Runtime state: .local/kafka/{data,server.properties,log4j.properties,cluster.id},
# logs .local/logs/kafka/, pid .local/run/kafka.pid. Version: deploy/kafka/pom.xml (kafka.version).
set -euo pipefail

# shellcheck source=deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
ECO_COMPONENT=kafka

KAFKA_PORT="${ECO_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${ECO_KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_SRC="$ECO_ROOT/deploy/kafka"
KAFKA_LIB="$KAFKA_SRC/lib"
KAFKA_HOME="$ECO_LOCAL/kafka"
KAFKA_DATA="$KAFKA_HOME/data"
KAFKA_LOGS="$ECO_LOGS/kafka"
KAFKA_PID="$ECO_RUN/kafka.pid"
SERVER_LOG="$KAFKA_LOGS/server.log"
START_DEADLINE=90
STOP_GRACE=30

# Two cores and many other processes: a fixed 512 MiB heap, G1 with the flags of Kafka's own
# kafka-run-class.sh (short pauses, early concurrent cycles).
JAVA_OPTS=(-Xms512m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
    -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -Djava.awt.headless=true)
LOG_OPTS=("-Dkafka.logs.dir=$KAFKA_LOGS" "-Dlog4j.configuration=file:$KAFKA_HOME/log4j.properties")

ensure_tools() {
    if ! command -v java >/dev/null 2>&1 || ! command -v mvn >/dev/null 2>&1; then
        apt_install openjdk-17-jre-headless maven
    fi
}

# The jars are a pure function of pom.xml: re-copy only when lib/ is missing or older than the pom.
# rm -rf first, so jars of a previous version never end up on the classpath next to the new ones.
ensure_jars() {
    local stamp="$KAFKA_LIB/.copied"
    if [[ -f "$stamp" && ! "$KAFKA_SRC/pom.xml" -nt "$stamp" ]]; then
        return 0
    fi
    log "copying broker jars from Maven (deploy/kafka/pom.xml)"
    rm -rf "$KAFKA_LIB"
    mkdir -p "$KAFKA_LOGS"
    # Output to a file: Maven 3.8's jansi writes stray colour codes to stdout even in batch mode.
    if ! mvn -B -q -Dstyle.color=never -f "$KAFKA_SRC/pom.xml" dependency:copy-dependencies \
        >"$KAFKA_LOGS/mvn.log" 2>&1; then
        show_tail "$KAFKA_LOGS/mvn.log"
        die "mvn dependency:copy-dependencies failed"
    fi
    compgen -G "$KAFKA_LIB/kafka_2.13-*.jar" >/dev/null || die "no kafka_2.13 jar in $KAFKA_LIB after mvn"
    touch "$stamp"
}

render_config() {
    mkdir -p "$KAFKA_HOME" "$KAFKA_DATA" "$KAFKA_LOGS" "$ECO_RUN"
    sed -e "s#@KAFKA_DATA@#$KAFKA_DATA#g" \
        -e "s#@KAFKA_PORT@#$KAFKA_PORT#g" \
        -e "s#@KAFKA_CONTROLLER_PORT@#$KAFKA_CONTROLLER_PORT#g" \
        "$KAFKA_SRC/server.properties.in" >"$KAFKA_HOME/server.properties"
    if grep -q '@[A-Z_]*@' "$KAFKA_HOME/server.properties"; then
        die "unrendered placeholder in server.properties: $(grep -o '@[A-Z_]*@' "$KAFKA_HOME/server.properties" | head -1)"
    fi
    cp "$KAFKA_SRC/log4j.properties" "$KAFKA_HOME/log4j.properties"
}

kafka_java() { java "${LOG_OPTS[@]}" -cp "$KAFKA_LIB/*" "$@"; }

# Format the storage once. The cluster id is kept in .local/kafka/cluster.id; if that file was lost
# but the data dir is formatted, reuse the id recorded there rather than minting a conflicting one.
format_storage() {
    local id_file="$KAFKA_HOME/cluster.id" meta="$KAFKA_DATA/meta.properties"
    if [[ ! -s "$id_file" ]]; then
        if [[ -s "$meta" ]]; then
            sed -n 's/^cluster\.id=//p' "$meta" >"$id_file"
        else
            kafka_java kafka.tools.StorageTool random-uuid | tr -d '[:space:]' >"$id_file"
        fi
    fi
    [[ -s "$id_file" ]] || die "could not determine a cluster id"
    [[ -s "$meta" ]] && return 0
    log "formatting storage (cluster id $(<"$id_file"))"
    # Static quorum (controller.quorum.voters): no --standalone, which 3.9 rejects in this mode.
    kafka_java kafka.tools.StorageTool format -t "$(<"$id_file")" -c "$KAFKA_HOME/server.properties" \
        --ignore-formatted >>"$KAFKA_LOGS/format.log" 2>&1 || {
        show_tail "$KAFKA_LOGS/format.log"
        die "storage format failed"
    }
}

running_pid() { live_pid_from "$KAFKA_PID" 'kafka.Kafka'; }

admin_answers() {
    [[ -x "$ECO_PY" ]] || die "$ECO_PY missing: run 'make venv' (uv sync --frozen) first"
    "$ECO_PY" - "127.0.0.1:$KAFKA_PORT" <<'EOF' >/dev/null 2>&1
import sys
from kafka import KafkaAdminClient

admin = KafkaAdminClient(bootstrap_servers=sys.argv[1], request_timeout_ms=5000)
try:
    admin.list_topics()
finally:
    admin.close()
EOF
}

start_broker() {
    local log_offset=0
    [[ -f "$SERVER_LOG" ]] && log_offset="$(stat -c %s "$SERVER_LOG")"
    if port_open "$KAFKA_PORT" || port_open "$KAFKA_CONTROLLER_PORT"; then
        die "port $KAFKA_PORT or $KAFKA_CONTROLLER_PORT is taken by another process; stop it or set ECO_KAFKA_PORT/ECO_KAFKA_CONTROLLER_PORT"
    fi
    log "starting on 127.0.0.1:$KAFKA_PORT (controller $KAFKA_CONTROLLER_PORT)"
    printf '\n=== kafka.sh up %s ===\n' "$(date -Is)" >>"$KAFKA_LOGS/stdout.log"
    spawn_detached "$KAFKA_PID" "$KAFKA_LOGS/stdout.log" \
        java "${JAVA_OPTS[@]}" "${LOG_OPTS[@]}" -cp "$KAFKA_LIB/*" kafka.Kafka "$KAFKA_HOME/server.properties"
    local pid deadline
    pid="$(<"$KAFKA_PID")"
    deadline=$((SECONDS + START_DEADLINE))
    # server.log survives restarts: only lines written after this start count. A rotation (file
    # shrank) means everything in it is new.
    # (grep reads a process substitution, not a pipe: with pipefail, grep -q closing the pipe early
    # would fail the writer with SIGPIPE and the whole test.)
    until grep -q 'Kafka Server started' < <(new_log_lines "$log_offset"); do
        broker_died_or_late "$pid" "$deadline" "'Kafka Server started'"
        sleep 0.5
    done
    until admin_answers; do
        broker_died_or_late "$pid" "$deadline" "an admin list_topics() answer"
        sleep 0.5
    done
}

new_log_lines() {
    local offset="$1" size
    [[ -f "$SERVER_LOG" ]] || return 0
    size="$(stat -c %s "$SERVER_LOG")"
    ((size < offset)) && offset=0
    tail -c "+$((offset + 1))" "$SERVER_LOG"
}

broker_died_or_late() {
    local pid="$1" deadline="$2" waiting_for="$3"
    if ! pid_alive "$pid"; then
        show_tail "$SERVER_LOG" 60
        show_tail "$KAFKA_LOGS/stdout.log" 20
        die "broker process $pid died while waiting for $waiting_for"
    fi
    if ((SECONDS >= deadline)); then
        show_tail "$SERVER_LOG" 60
        die "no $waiting_for after ${START_DEADLINE}s (broker pid $pid left running; 'kafka.sh down' stops it)"
    fi
}

cmd_up() {
    local t0 pid
    t0="$(now)"
    ensure_tools
    ensure_jars
    render_config
    if pid="$(running_pid)"; then
        log "already running (pid $pid)"
        local deadline=$((SECONDS + START_DEADLINE))
        until admin_answers; do
            broker_died_or_late "$pid" "$deadline" "an admin list_topics() answer"
            sleep 0.5
        done
    else
        format_storage
        start_broker
    fi
    log "ready on 127.0.0.1:$KAFKA_PORT in $(elapsed_since "$t0")s"
}

cmd_down() {
    local pid
    if ! pid="$(running_pid)"; then
        log "not running"
        rm -f "$KAFKA_PID"
        return 0
    fi
    log "stopping pid $pid"
    stop_pid "$pid" "$STOP_GRACE" broker
    rm -f "$KAFKA_PID"
    log "stopped"
}

cmd_status() {
    local pid
    if pid="$(running_pid)" && admin_answers; then
        log "running (pid $pid) on 127.0.0.1:$KAFKA_PORT"
        return 0
    fi
    log "not running"
    return 1
}

case "${1:-}" in
up) cmd_up ;;
down) cmd_down ;;
status) cmd_status ;;
*)
    echo "usage: $0 up|down|status" >&2
    exit 2
    ;;
esac
