#!/bin/sh
# Entry point of deploy/Dockerfile. With arguments (`python -m shared.cli migrate all`), run them.
# Without, serve the app named by ECO_SERVICE on its ECO_*_PORT, as deploy/services.sh does locally.
set -eu

if [ "$#" -gt 0 ]; then
    exec "$@"
fi

case "${ECO_SERVICE:?set ECO_SERVICE to gateway, enrollment, training, audit, catalog, webhooks or circular}" in
gateway) port="${ECO_GATEWAY_APP_PORT:-8100}" ;;
enrollment) port="${ECO_ENROLLMENT_PORT:-8101}" ;;
training) port="${ECO_TRAINING_PORT:-8102}" ;;
audit) port="${ECO_AUDIT_PORT:-8103}" ;;
catalog) port="${ECO_CATALOG_PORT:-8104}" ;;
webhooks) port="${ECO_WEBHOOKS_PORT:-8105}" ;;
circular) port="${ECO_CIRCULAR_PORT:-8106}" ;;
*)
    echo "unknown ECO_SERVICE '$ECO_SERVICE'" >&2
    exit 2
    ;;
esac

# ECO_WORKERS: worker processes (default 1); relays take turns, consumers share the group's partitions.
exec uvicorn --factory "services.${ECO_SERVICE}.main:create_app" --host 0.0.0.0 --port "$port" \
    --loop uvloop --http httptools --no-access-log --workers "${ECO_WORKERS:-1}"
