#!/usr/bin/env bash
# Operators' tools the tests use, installed when missing (idempotent, no service started):
#   promtool  (Debian's prometheus package)  checks and unit-tests deploy/observability/rules.yml
#   helm      (built from the Go module proxy) lints and renders deploy/helm/ecoeficiencia
# Usage: deploy/observability/tools.sh [promtool|helm|all]   (prints the tool's path)
set -euo pipefail
# shellcheck source=deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
ECO_COMPONENT=tools
HELM_VERSION="${ECO_HELM_VERSION:-v3.22.0}"

need_promtool() {
    command -v promtool >/dev/null 2>&1 || apt_install prometheus
    command -v promtool
}

need_helm() {
    local gobin
    gobin="$(go env GOPATH)/bin"
    if [[ -x "$gobin/helm" ]] && "$gobin/helm" version --short 2>/dev/null | grep -q "^${HELM_VERSION}"; then
        echo "$gobin/helm"
        return
    fi
    command -v go >/dev/null 2>&1 || die "go is needed to build helm (the Go module proxy is the only source here)"
    log "building helm ${HELM_VERSION} from the Go module proxy (about 2.5 min the first time)"
    go install "helm.sh/helm/v3/cmd/helm@${HELM_VERSION}" >&2
    echo "$gobin/helm"
}

case "${1:-all}" in
promtool) need_promtool ;;
helm) need_helm ;;
all)
    need_promtool
    need_helm
    ;;
*) die "usage: $0 [promtool|helm|all]" ;;
esac
