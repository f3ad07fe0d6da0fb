#!/usr/bin/env bash
# STRETCH, not run by scripts/install-tools.sh. A real Kubernetes API server for
# scripts/stretch/helm-install-apiserver.sh: kube-apiserver built from the
# k8s.io/kubernetes module (pinned) with the Go toolchain, and etcd from Debian's etcd-server package.
# k8s.io/kubernetes cannot be `go install`ed (its go.mod points its staging modules at ./staging), so a
# local module requires it and replaces each staging module with its published v0.<minor> release.
# Cached outside the clone; the first build took 17 minutes here (2 shared cores), relinking seconds.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
KUBERNETES_VERSION=v1.37.0
dir="$CACHE_DIR/kube-apiserver-$KUBERNETES_VERSION-ldflags"
if [ ! -x "$dir/kube-apiserver" ]; then
  log "building kube-apiserver $KUBERNETES_VERSION (cached in $dir; several minutes)"
  mkdir -p "$dir/src"
  gomod="$(GOFLAGS=-mod=mod go mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')"
  staging_version="v0.${KUBERNETES_VERSION#v1.}"
  # The version the server reports (and helm checks against the chart's kubeVersion), as its own build sets it.
  minor="${KUBERNETES_VERSION#v1.}"; minor="${minor%%.*}"
  ldflags="-s -w"
  for key in gitVersion=$KUBERNETES_VERSION gitMajor=1 gitMinor=$minor gitTreeState=clean; do
    ldflags+=" -X k8s.io/component-base/version.$key"
  done
  {
    printf 'module local/kube-apiserver-build\n\ngo 1.25\n\nrequire k8s.io/kubernetes %s\n\nreplace (\n' "$KUBERNETES_VERSION"
    sed -n '/^replace (/,/^)/p' "$gomod" | awk -v v="$staging_version" '$2 == "=>" {printf "\t%s => %s %s\n", $1, $1, v}'
    printf ')\n'
  } >"$dir/src/go.mod"
  printf '//go:build tools\n\npackage tools\n\nimport _ "k8s.io/kubernetes/cmd/kube-apiserver"\n' >"$dir/src/tools.go"
  (cd "$dir/src" && GOFLAGS=-mod=mod go mod tidy && GOFLAGS=-mod=mod go build -ldflags "$ldflags" -o "$dir/kube-apiserver.partial" k8s.io/kubernetes/cmd/kube-apiserver)
  mv "$dir/kube-apiserver.partial" "$dir/kube-apiserver"
fi
ln -sf "$dir/kube-apiserver" "$TOOLS_BIN/kube-apiserver"

if ! command -v etcd >/dev/null 2>&1; then
  command -v apt-get >/dev/null 2>&1 || { log "need etcd and there is no apt-get: install etcd-server by hand"; exit 1; }
  log "installing etcd-server"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq -o DPkg::Lock::Timeout=300 etcd-server >/dev/null
  # The check starts its own etcd on free ports; the packaged service is not needed.
  (service etcd stop || true) >/dev/null 2>&1
fi
