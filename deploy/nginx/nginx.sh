#!/usr/bin/env bash
# The API gateway's nginx: deploy/nginx/nginx.sh up|down|reload|status|render|test
#
#   up      install nginx from Debian if missing, render, check, start (or reload if running)
#   down    stop (SIGQUIT: graceful), SIGKILL after 10 s
#   reload  render, check, signal a running nginx to reload
#   status  exit 0 when running
#   render  only write $ECO_NGINX_DIR/nginx.conf (used by tests/unit/test_nginx_conf.py)
#   test    render + nginx -t
#
# Everything lives under ECO_NGINX_DIR (default .local/nginx): config, pid, temp dirs, logs, and the
# auth cache (cache/auth: credentials and identities, mode 700, nginx's user only). A
# second instance with other ports and another ECO_NGINX_DIR runs independently (the e2e tests do).
set -euo pipefail

# shellcheck source=deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
ECO_COMPONENT=nginx

TEMPLATE="$ECO_ROOT/deploy/nginx/nginx.conf.template"

# Every ${VAR} the template may contain, with its default. Rendering substitutes exactly these
# (nginx's own $variables are untouched) and fails if any ${ECO_...} is left over.
set_defaults() {
    : "${ECO_NGINX_DIR:=$ECO_LOCAL/nginx}"
    mkdir -p "$ECO_NGINX_DIR"
    ECO_NGINX_DIR="$(cd "$ECO_NGINX_DIR" && pwd)"
    : "${ECO_NGINX_USER:=$(stat -c %U "$ECO_NGINX_DIR")}"
    : "${ECO_NGINX_LISTEN_HOST:=127.0.0.1}"
    : "${ECO_GATEWAY_PORT:=8080}"
    : "${ECO_GATEWAY_APP_HOST:=127.0.0.1}"
    : "${ECO_GATEWAY_APP_PORT:=8100}"
    : "${ECO_ENROLLMENT_HOST:=127.0.0.1}"
    : "${ECO_ENROLLMENT_PORT:=8101}"
    : "${ECO_TRAINING_HOST:=127.0.0.1}"
    : "${ECO_TRAINING_PORT:=8102}"
    : "${ECO_AUDIT_HOST:=127.0.0.1}"
    : "${ECO_AUDIT_PORT:=8103}"
    : "${ECO_CATALOG_HOST:=127.0.0.1}"
    : "${ECO_CATALOG_PORT:=8104}"
    : "${ECO_WEBHOOKS_HOST:=127.0.0.1}"
    : "${ECO_WEBHOOKS_PORT:=8105}"
    : "${ECO_CIRCULAR_HOST:=127.0.0.1}"
    : "${ECO_CIRCULAR_PORT:=8106}"
    # Front-end origins for CORS, comma-separated; a JSON list (as the Python settings also
    # accept) is flattened to that form.
    : "${ECO_CORS_ORIGINS:=}"
    ECO_CORS_ORIGINS="$(printf '%s' "$ECO_CORS_ORIGINS" | tr -d '[]" ')"
    # nginx's key to the gateway app's /_auth (the app's ECO_AUTH_REQUEST_SECRET).
    : "${ECO_AUTH_REQUEST_SECRET:=dev-auth-request-secret-change-me}"
    CONF="$ECO_NGINX_DIR/nginx.conf"
    PIDFILE="$ECO_NGINX_DIR/nginx.pid"
    ERROR_LOG="$ECO_NGINX_DIR/logs/error.log"
}
TEMPLATE_VARS=(ECO_NGINX_DIR ECO_NGINX_USER ECO_NGINX_LISTEN_HOST ECO_GATEWAY_PORT
    ECO_GATEWAY_APP_HOST ECO_GATEWAY_APP_PORT ECO_ENROLLMENT_HOST ECO_ENROLLMENT_PORT
    ECO_TRAINING_HOST ECO_TRAINING_PORT ECO_AUDIT_HOST ECO_AUDIT_PORT ECO_CATALOG_HOST ECO_CATALOG_PORT
    ECO_WEBHOOKS_HOST ECO_WEBHOOKS_PORT ECO_CIRCULAR_HOST ECO_CIRCULAR_PORT
    ECO_CORS_ORIGINS ECO_AUTH_REQUEST_SECRET)

ensure_installed() {
    command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || apt_install nginx
    NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
}

# Pure-bash substitution (no envsubst dependency, no sed escaping of values).
cmd_render() {
    set_defaults
    local text var
    text="$(<"$TEMPLATE")"
    for var in "${TEMPLATE_VARS[@]}"; do
        # (replacement quoted: bash 5.2 would otherwise expand & in it)
        text="${text//"\${$var}"/"${!var}"}"
    done
    if [[ "$text" =~ \$\{ECO_[A-Z_]*\} ]]; then
        die "template variable ${BASH_REMATCH[0]} has no value (add it to TEMPLATE_VARS in $0)"
    fi
    mkdir -p "$ECO_NGINX_DIR/logs" "$ECO_NGINX_DIR/tmp" "$ECO_NGINX_DIR/cache"
    # It holds ECO_AUTH_REQUEST_SECRET: readable by its owner only.
    (umask 077 && printf '%s\n' "$text" >"$CONF.tmp")
    mv "$CONF.tmp" "$CONF"
}

# -e: the startup error log too, otherwise nginx first opens its compiled-in /var/log/nginx path.
nginx_cmd() { "$NGINX" -p "$ECO_NGINX_DIR/" -c "$CONF" -e "$ERROR_LOG" "$@"; }

cmd_test() {
    ensure_installed
    cmd_render
    nginx_cmd -t -q || die "nginx -t failed for $CONF"
}

running_pid() { live_pid_from "$PIDFILE" 'nginx'; }

cmd_up() {
    ensure_installed
    cmd_render
    nginx_cmd -t -q || die "nginx -t failed for $CONF"
    local pid
    if pid="$(running_pid)"; then
        nginx_cmd -s reload
        log "reloaded (pid $pid) on $ECO_NGINX_LISTEN_HOST:$ECO_GATEWAY_PORT"
        return 0
    fi
    if port_open "$ECO_GATEWAY_PORT"; then
        die "port $ECO_GATEWAY_PORT is taken by another process; stop it or set ECO_GATEWAY_PORT"
    fi
    # nginx daemonizes itself (master + one worker) and writes its pid file once listening.
    nginx_cmd </dev/null >/dev/null 2>&1 || {
        show_tail "$ERROR_LOG"
        die "nginx failed to start"
    }
    local deadline=$((SECONDS + 10))
    until pid="$(running_pid)" && port_open "$ECO_GATEWAY_PORT"; do
        if ((SECONDS >= deadline)); then
            show_tail "$ERROR_LOG"
            die "nginx did not come up on port $ECO_GATEWAY_PORT"
        fi
        sleep 0.1
    done
    log "running (pid $pid) on http://$ECO_NGINX_LISTEN_HOST:$ECO_GATEWAY_PORT (dir $ECO_NGINX_DIR)"
}

cmd_reload() {
    ensure_installed
    cmd_render
    nginx_cmd -t -q || die "nginx -t failed for $CONF"
    running_pid >/dev/null || die "not running (use 'up')"
    nginx_cmd -s reload
    log "reloaded"
}

cmd_down() {
    set_defaults
    local pid
    if ! pid="$(running_pid)"; then
        log "not running"
        return 0
    fi
    # SIGQUIT = graceful shutdown: finish in-flight requests, then exit.
    kill -QUIT "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 10))
    while pid_alive "$pid"; do
        if ((SECONDS >= deadline)); then
            kill -KILL "$pid" 2>/dev/null || true
            break
        fi
        sleep 0.1
    done
    rm -f "$PIDFILE"
    log "stopped"
}

cmd_status() {
    set_defaults
    local pid
    if pid="$(running_pid)"; then
        log "running (pid $pid) on $ECO_NGINX_LISTEN_HOST:$ECO_GATEWAY_PORT"
        return 0
    fi
    log "not running"
    return 1
}

case "${1:-}" in
up) cmd_up ;;
down) cmd_down ;;
reload) cmd_reload ;;
status) cmd_status ;;
render) cmd_render ;;
test) cmd_test ;;
*)
    echo "usage: $0 up|down|reload|status|render|test" >&2
    exit 2
    ;;
esac
