#!/usr/bin/env bash
# Helm 3, built from source with the Go toolchain (pinned), cached outside the clone, linked as .tools/bin/helm.
# Built with the -X flags of Helm's own Makefile: its version, and the Kubernetes version of its client-go
# (v0.37 -> 1.37), which `helm template` and `helm lint` report as .Capabilities.KubeVersion when no
# --kube-version is given. A plain `go install` leaves them at Helm's fallback (v1.20), below the chart's
# kubeVersion, so `helm template` would fail without --kube-version.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
HELM_VERSION="${HELM_VERSION:-v3.22.0}"
spec="helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
dir="$CACHE_DIR/go-bin/${spec//[\/@]/_}-ldflags"
if [ ! -x "$dir/helm" ] && path_tool helm "$HELM_VERSION"; then
  exit 0
fi
if [ ! -x "$dir/helm" ]; then
  log "building $spec from source with version flags, once (cached in $dir)"
  gomod="$(GOFLAGS=-mod=mod go mod download -json "helm.sh/helm/v3@$HELM_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')"
  client_go="$(awk '$1 == "k8s.io/client-go" {print $2; exit}' "$gomod")" # v0.37.0
  [[ "$client_go" =~ ^v0\.([0-9]+)\. ]] || { log "cannot read the client-go version of helm $HELM_VERSION from $gomod"; exit 1; }
  minor="${BASH_REMATCH[1]}"
  ldflags="-w -s -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.metadata="
  for pkg in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
    ldflags+=" -X $pkg.k8sVersionMajor=1 -X $pkg.k8sVersionMinor=$minor"
  done
  mkdir -p "$dir"
  GOBIN="$dir" GOFLAGS=-mod=mod go install -ldflags "$ldflags" "$spec"
fi
ln -sf "$dir/helm" "$TOOLS_BIN/helm"
