#!/usr/bin/env bash
# The container check: a real OCI build and run of the project's Dockerfile with podman.
#  1. hadolint (pinned in requirements-dev.txt) lints the Dockerfile, failing on any finding;
#     a deliberately bad Dockerfile must make it fail, so this step can fail.
#  2. podman builds the real Dockerfile, tagged hedera-playground-assistant:<package.json version>, on the
#     local stand-in base image of scripts/tools/stand-in-node-image.sh (no image can be pulled here), passed
#     as --build-arg NODE_IMAGE; the default stays the official node:24-bookworm-slim.
#  3. app/test/container/image-run.ts runs it read-only with no capabilities as the image's user: health,
#     the HEALTHCHECK command, a chat through the fake upstream, what the image must not hold, SIGTERM -> 0.
# podman works here only as `podman --runtime runc --cgroup-manager cgroupfs` with rlimits this machine
# allows. Missing podman is a failure, never a skip (scripts/tools/podman.sh installs it).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

hadolint="$ROOT/.tools/venv/bin/hadolint"
[ -x "$hadolint" ] || { log "hadolint missing: run scripts/install-tools.sh"; exit 1; }
command -v podman >/dev/null 2>&1 || { log "podman missing: run scripts/install-tools.sh (scripts/tools/podman.sh)"; exit 1; }
node24="$ROOT/node_modules/node/bin/node"
[ -x "$node24" ] || { log "Node 24 missing: npm ci (devDependency node)"; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/hpa-container.XXXXXX")"
trap 'rm -rf "$work"' EXIT

log "hadolint $("$hadolint" --version | awk '{print $NF}') on Dockerfile"
"$hadolint" --failure-threshold style Dockerfile
log "hadolint: no findings"

# The linter must be able to fail: root user, unpinned base image, apt without pinning, shell-form CMD.
printf '%s\n' 'FROM node:latest' 'RUN apt-get update && apt-get install -y curl' 'USER root' 'CMD npm start' >"$work/Dockerfile.bad"
if "$hadolint" --failure-threshold style "$work/Dockerfile.bad" >"$work/bad.out" 2>&1; then
  log "hadolint passed a deliberately bad Dockerfile"; exit 1
fi
grep -q DL3007 "$work/bad.out" || { log "hadolint did not report DL3007 (latest tag) on the bad Dockerfile"; cat "$work/bad.out"; exit 1; }
log "hadolint fails a bad Dockerfile ($(grep -c -E 'DL|SC' "$work/bad.out") findings), as it should"

bash scripts/tools/stand-in-node-image.sh
base="${STAND_IN_NODE_IMAGE:-localhost/stand-in-node:24-bookworm-slim}"
version="$(node -p 'require("./package.json").version')"
image="localhost/hedera-playground-assistant:$version"

# Build-time only: where this machine's egress is intercepted, npm inside the build must trust the same CA
# bundle the host's npm trusts. Mounted for the RUN steps, never written into a layer.
build_mounts=()
cafile="$(npm config get cafile 2>/dev/null || true)"
if [ -n "$cafile" ] && [ "$cafile" != null ] && [ -f "$cafile" ]; then
  printf 'cafile=/run/host-ca.crt\n' >"$work/npmrc"
  build_mounts=(--volume "$cafile:/run/host-ca.crt:ro" --volume "$work/npmrc:/usr/local/etc/npmrc:ro")
fi

log "podman build $image (FROM $base)"
start=$SECONDS
# --format docker keeps HEALTHCHECK (the OCI image format has no field for it).
podman --runtime runc --cgroup-manager cgroupfs build --format docker --quiet \
  --ulimit nofile=4096:4096 --ulimit nproc=4096:4096 "${build_mounts[@]}" \
  --build-arg "NODE_IMAGE=$base" --tag "$image" . >"$work/build.log" 2>&1 \
  || { tail -n 40 "$work/build.log" >&2; log "podman build failed"; exit 1; }
log "built $image in $((SECONDS - start)) s"

timeout --kill-after=10 600 "$node24" "$ROOT/node_modules/tsx/dist/cli.mjs" app/test/container/image-run.ts --image "$image"
log "container check passed"
