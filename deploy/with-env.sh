#!/usr/bin/env bash
# Run a command with the environment the deploy scripts use: ECO_* from .env where the caller's
# environment does not set them, ECO_KAFKA_BOOTSTRAP derived from ECO_KAFKA_PORT. The Makefile
# runs the Python CLI and pytest through it so they talk to the instances the scripts started.
set -euo pipefail
# shellcheck source=deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ECO_ROOT"
exec "$@"
