#!/usr/bin/env bash
# Local Zipkin trace viewer from Maven Central: deploy/zipkin/zipkin.sh up|down|status
#
#   up      fetch the jar if needed, start on 127.0.0.1:$ECO_ZIPKIN_PORT (default 9411), wait until healthy
#   down    SIGTERM, SIGKILL after 20 s
#   status  exit 0 when /health answers
#
# In-memory storage (the last ECO_ZIPKIN_MAX_SPANS spans; older traces are evicted). 50,000 spans fit
# the 512 MB heap: 200,000 in 256 MB ran it out of memory after the fuzzer's burst of traced requests: a viewer for a developer's machine and
# the tests, not an archive. UI: http://127.0.0.1:9411/zipkin/  API: /api/v2/traces, /api/v2/trace/{id}.
# Services export to it when OTEL_EXPORTER_ZIPKIN_ENDPOINT is set (make traces sets it).
set -euo pipefail

# shellcheck source=deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
ECO_COMPONENT=zipkin

ZIPKIN_PORT="${ECO_ZIPKIN_PORT:-9411}"
ZIPKIN_SRC="$ECO_ROOT/deploy/zipkin"
ZIPKIN_LIB="$ZIPKIN_SRC/lib"
ZIPKIN_LOGS="$ECO_LOGS/zipkin"
ZIPKIN_PID="$ECO_RUN/zipkin-$ZIPKIN_PORT.pid"
START_DEADLINE=90

ensure_jar() {
    local stamp="$ZIPKIN_LIB/.copied"
    if [[ -f "$stamp" && ! "$ZIPKIN_SRC/pom.xml" -nt "$stamp" ]]; then
        return 0
    fi
    command -v java >/dev/null 2>&1 && command -v mvn >/dev/null 2>&1 || apt_install openjdk-17-jre-headless maven
    log "copying the zipkin-server exec jar from Maven (deploy/zipkin/pom.xml)"
    rm -rf "$ZIPKIN_LIB"
    mkdir -p "$ZIPKIN_LOGS"
    if ! mvn -B -q -Dstyle.color=never -f "$ZIPKIN_SRC/pom.xml" dependency:copy-dependencies \
        >"$ZIPKIN_LOGS/mvn.log" 2>&1; then
        show_tail "$ZIPKIN_LOGS/mvn.log"
        die "mvn dependency:copy-dependencies failed"
    fi
    compgen -G "$ZIPKIN_LIB/zipkin-server-*-exec.jar" >/dev/null || die "no zipkin-server exec jar after mvn"
    touch "$stamp"
}

healthy() { curl -fsS -m 2 "http://127.0.0.1:$ZIPKIN_PORT/health" >/dev/null 2>&1; }
running_pid() { live_pid_from "$ZIPKIN_PID" 'zipkin-server'; }

up() {
    if running_pid >/dev/null && healthy; then
        log "already running on 127.0.0.1:$ZIPKIN_PORT"
        return 0
    fi
    ensure_jar
    port_open "$ZIPKIN_PORT" && die "port $ZIPKIN_PORT is taken by another process; set ECO_ZIPKIN_PORT"
    mkdir -p "$ZIPKIN_LOGS" "$ECO_RUN"
    local started jar
    started="$(now)"
    jar="$(compgen -G "$ZIPKIN_LIB/zipkin-server-*-exec.jar" | head -1)"
    spawn_detached "$ZIPKIN_PID" "$ZIPKIN_LOGS/zipkin.log" \
        java -Xms128m "-Xmx${ECO_ZIPKIN_HEAP:-512m}" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$jar" \
        --server.port="$ZIPKIN_PORT" --server.address=127.0.0.1 \
        --zipkin.storage.type=mem --zipkin.storage.mem.max-spans="${ECO_ZIPKIN_MAX_SPANS:-50000}"
    local pid deadline=$((SECONDS + START_DEADLINE))
    pid="$(<"$ZIPKIN_PID")"
    until healthy; do
        if ! pid_alive "$pid"; then
            show_tail "$ZIPKIN_LOGS/zipkin.log" 40
            die "zipkin exited during start-up"
        fi
        ((SECONDS < deadline)) || die "zipkin not healthy within ${START_DEADLINE}s"
        sleep 0.5
    done
    log "ready on http://127.0.0.1:$ZIPKIN_PORT/zipkin/ in $(elapsed_since "$started")s"
}

down() {
    local pid
    if pid="$(running_pid)"; then
        stop_pid "$pid" 20 zipkin
        log "stopped"
    fi
    rm -f "$ZIPKIN_PID"
}

case "${1:-}" in
up) up ;;
down) down ;;
status) healthy ;;
*) die "usage: $0 up|down|status" ;;
esac
