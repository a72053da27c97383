#!/usr/bin/env bash
# Idempotent: Node.js (Debian's package if missing) and the locked @asyncapi/parser.
# npm ci from the committed package-lock.json runs once per lock into
# ~/.cache/eco-asyncapi/<lock sha256>/ (kept between CI runs and across clones);
# deploy/asyncapi/node_modules is a link to it.
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
want="$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/eco-asyncapi/$want"
mkdir -p "$(dirname "$cache")"
exec 9>"$cache.lock"
flock 9  # several clones (or CI) may install at once
if [ ! -f "$cache/.complete" ]; then
    rm -rf "$cache" && mkdir -p "$cache"
    cp "$here/package.json" "$here/package-lock.json" "$cache/"
    (cd "$cache" && npm ci --prefer-offline --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
    touch "$cache/.complete"
fi
if [ "$(readlink "$here/node_modules" 2>/dev/null)" != "$cache/node_modules" ]; then
    rm -rf "$here/node_modules"
    ln -s "$cache/node_modules" "$here/node_modules"
fi
