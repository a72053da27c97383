#!/usr/bin/env bash
# Idempotent: Node.js (Debian's package if missing) and the locked @asyncapi/parser under
# deploy/asyncapi/node_modules (npm ci from the committed package-lock.json; re-run only
# when the lock changes).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
    else
        echo "node and npm are needed (apt-get install nodejs npm)" >&2
        exit 1
    fi
fi
stamp="$here/node_modules/.lock-sha"
want="$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    exit 0
fi
(cd "$here" && npm ci --prefer-offline --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
echo "$want" >"$stamp"
