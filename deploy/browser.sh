#!/usr/bin/env bash
# A real browser for the tests: Debian's chromium + chromium-driver (Selenium drives it).
#
#   deploy/browser.sh          install both if missing (idempotent; needs root the first time)
#   deploy/browser.sh check    exit 0 when both are installed, print their versions
#
# Called by `make infra-test`; tests/support/browser.py finds the binaries this installs.
set -euo pipefail

# shellcheck source=deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ECO_COMPONENT=browser

have_browser() {
    { command -v chromium >/dev/null 2>&1 || [[ -x /usr/bin/chromium ]]; } &&
        { command -v chromedriver >/dev/null 2>&1 || [[ -x /usr/bin/chromedriver ]]; }
}

case "${1:-install}" in
install)
    have_browser || apt_install chromium chromium-driver
    ;;
check)
    have_browser || die "chromium / chromedriver not installed (run deploy/browser.sh)"
    chromium --version
    chromedriver --version
    ;;
*)
    die "usage: $0 [install|check]"
    ;;
esac
