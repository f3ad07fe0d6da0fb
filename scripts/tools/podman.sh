#!/usr/bin/env bash
# podman (with runc) and debootstrap from Debian's packages, for scripts/check-container.sh: a real OCI build
# and run of the Dockerfile. There is no Docker engine here, and podman's default runtime crun refuses this
# machine's cgroup layout, so the check runs `podman --runtime runc --cgroup-manager cgroupfs`.
# If they cannot be installed this fails: the container check must not be skipped silently.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
missing=()
for pair in podman:podman runc:runc debootstrap:debootstrap; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  command -v apt-get >/dev/null 2>&1 || { log "need ${missing[*]} and there is no apt-get: install them by hand"; exit 1; }
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq -o DPkg::Lock::Timeout=300 "${missing[@]}" >/dev/null
fi
