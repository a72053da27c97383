#!/usr/bin/env bash
# Node.js and npm for the contract tests' TypeScript toolchain (tests/contract/ts).
#
#   deploy/node.sh     install Debian's nodejs + npm when `npm` is missing (idempotent; root the first time)
#
# The packages themselves (openapi-typescript, openapi-fetch, typescript) come from the npm
# registry at the versions of tests/contract/ts/package-lock.json, installed under .local/.
set -euo pipefail

# shellcheck source=deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ECO_COMPONENT=node

command -v npm >/dev/null 2>&1 || apt_install nodejs npm
