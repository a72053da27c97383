#!/usr/bin/env bash
# Run a command with the environment the deploy scripts use: ECO_* from .env where the caller's
# environment does not set them, ECO_KAFKA_BOOTSTRAP derived from ECO_KAFKA_PORT. The Makefile
# runs the Python CLI and pytest through it so they talk to the instances the scripts started.
set -euo pipefail
# shellcheck source=deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ECO_ROOT"
# The settings treat an unset ECO_ENV as production (no dev defaults, no dev token issuer); these
# local tools are for development, so they say so unless the caller or .env chose (`make test`
# passes ECO_ENV=test).
export ECO_ENV="${ECO_ENV:-dev}"
exec "$@"
