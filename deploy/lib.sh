# shellcheck shell=bash
# Helpers shared by deploy/*.sh. Sourced, never executed.
#
# Every script resolves the repository root from its own location, so they work from any cwd and
# from any clone (CI clones the repo somewhere else than /work/main).

ECO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ECO_LOCAL="$ECO_ROOT/.local"
# shellcheck disable=SC2034 # used by the scripts that source this file
ECO_LOGS="$ECO_LOCAL/logs"
# shellcheck disable=SC2034
ECO_RUN="$ECO_LOCAL/run"
# shellcheck disable=SC2034
ECO_PY="$ECO_ROOT/.venv/bin/python"

# The Python settings read ECO_* from the environment, then from .env (environment wins). Load .env
# the same way here so the scripts and the services agree on ports and passwords.
load_dotenv() {
    local file="$ECO_ROOT/.env" line key value
    [[ -f "$file" ]] || return 0
    while IFS= read -r line || [[ -n "$line" ]]; do
        [[ "$line" =~ ^[[:space:]]*(export[[:space:]]+)?(ECO_[A-Za-z0-9_]+)=(.*)$ ]] || continue
        key="${BASH_REMATCH[2]}"
        value="${BASH_REMATCH[3]}"
        [[ -n "${!key+set}" ]] && continue
        # Strip one level of matching quotes, as dotenv readers do.
        if [[ "$value" =~ ^\"(.*)\"$ || "$value" =~ ^\'(.*)\'$ ]]; then
            value="${BASH_REMATCH[1]}"
        fi
        export "$key=$value"
    done <"$file"
}
load_dotenv
# The services read the broker address from ECO_KAFKA_BOOTSTRAP, the scripts its port from
# ECO_KAFKA_PORT: derive the first from the second so one variable moves the broker.
if [[ -z "${ECO_KAFKA_BOOTSTRAP:-}" && -n "${ECO_KAFKA_PORT:-}" ]]; then
    export ECO_KAFKA_BOOTSTRAP="127.0.0.1:$ECO_KAFKA_PORT"
fi

log() { printf '[%s] %s\n' "${ECO_COMPONENT:-deploy}" "$*" >&2; }
die() {
    log "ERROR: $*"
    exit 1
}

# Seconds since the epoch with sub-second precision, for deadlines and timings.
now() { date +%s.%N; }
elapsed_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# Install Debian packages without letting their maintainer scripts start system services
# (the nginx package would grab port 80, postgresql would start a cluster on 5432): we run our own
# instances under .local. A policy-rc.d answering 101 is Debian's documented way to say "don't start".
apt_install() {
    local created_policy=0
    if [[ $EUID -ne 0 ]]; then
        die "need root to apt-get install $* (or install it yourself)"
    fi
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        created_policy=1
    fi
    log "installing $* from Debian packages"
    local rc=0
    DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >/dev/null || rc=$?
    if [[ $created_policy -eq 1 ]]; then
        rm -f /usr/sbin/policy-rc.d
    fi
    [[ $rc -eq 0 ]] || die "apt-get install $* failed (exit $rc)"
}

# True when $1 names a live process (a pid file's content).
pid_alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }

# Print the pid stored in file $1 when that process is alive and its command line contains $2
# (guards against a stale pid file whose number was reused by an unrelated process).
live_pid_from() {
    local file="$1" pattern="$2" pid
    [[ -s "$file" ]] || return 1
    pid="$(<"$file")"
    pid_alive "$pid" || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$pattern" || return 1
    printf '%s\n' "$pid"
}

# Start "$@" detached (own session, stdin from /dev/null, output appended to log file $2), writing
# its pid to $1. The wrapper shell writes its own pid and then execs the command, so the pid file
# holds the real process (not a setsid/nohup wrapper) and make/CI never wait on inherited pipes.
spawn_detached() {
    local pidfile="$1" logfile="$2"
    shift 2
    rm -f "$pidfile"
    # shellcheck disable=SC2016 # $$ and $@ are for the inner shell
    nohup setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" </dev/null >>"$logfile" 2>&1 &
    local deadline=$((SECONDS + 5))
    until [[ -s "$pidfile" ]]; do
        ((SECONDS < deadline)) || die "process did not start: $*"
        sleep 0.05
    done
}

# Send SIGTERM to pid $1, wait up to $2 seconds, then SIGKILL.
stop_pid() {
    local pid="$1" grace="$2" name="$3" deadline
    pid_alive "$pid" || return 0
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + grace))
    while pid_alive "$pid"; do
        if ((SECONDS >= deadline)); then
            log "$name (pid $pid) still alive after ${grace}s: SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            sleep 0.2
            break
        fi
        sleep 0.2
    done
}

# True when something accepts TCP connections on 127.0.0.1:$1 (bash's /dev/tcp, no extra tools).
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Print the last lines of a log file to stderr, framed, for "fail loudly" paths.
show_tail() {
    local file="$1" lines="${2:-40}"
    [[ -f "$file" ]] || return 0
    printf -- '----- last %s lines of %s -----\n' "$lines" "$file" >&2
    tail -n "$lines" "$file" >&2
    printf -- '-----\n' >&2
}
