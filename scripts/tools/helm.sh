#!/usr/bin/env bash
# Helm 3, built from source with the Go toolchain (pinned), cached outside the clone, linked as .tools/bin/helm.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
HELM_VERSION="${HELM_VERSION:-v3.22.0}"
go_tool helm "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
