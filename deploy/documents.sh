#!/usr/bin/env bash
# Tools the document tests read PDFs with: poppler-utils (pdftotext, pdftoppm) and zbar-tools
# (zbarimg decodes the QR code from the rendered page). WeasyPrint itself comes from PyPI and
# uses Debian's pango, installed here too where missing.
#
#   deploy/documents.sh          install them if missing (idempotent; needs root the first time)
#   deploy/documents.sh check    exit 0 when all are installed
#
# Called by `make infra-test`.
set -euo pipefail

# shellcheck source=deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ECO_COMPONENT=documents

have_tools() {
    command -v pdftotext >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 &&
        command -v zbarimg >/dev/null 2>&1 && ldconfig -p | grep -q 'libpango-1.0'
}

case "${1:-install}" in
install)
    have_tools || apt_install poppler-utils zbar-tools libpango-1.0-0 libpangoft2-1.0-0
    ;;
check)
    have_tools || die "pdftotext / pdftoppm / zbarimg / pango missing (run deploy/documents.sh)"
    ;;
*)
    die "usage: $0 [install|check]"
    ;;
esac
