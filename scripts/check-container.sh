#!/usr/bin/env bash
# The container check (no Docker engine runs here, so the Dockerfile is checked without one):
#  1. hadolint (pinned in requirements-dev.txt) lints the Dockerfile, failing on any finding;
#     a deliberately bad Dockerfile must make it fail, so this step can fail.
#  2. app/test/container/replay.ts replays the Dockerfile outside Docker: the build context after
#     .dockerignore, every stage's COPY and RUN (npm ci, npm run build, npm ci --omit=dev), then
#     the runtime stage's CMD as its USER: health 200, HEALTHCHECK command, SIGTERM -> exit 0.
# The repo's Node 24 (devDependency `node`) stands for the image's node:24; this machine's own
# node may be older.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

hadolint="$ROOT/.tools/venv/bin/hadolint"
[ -x "$hadolint" ] || { log "hadolint missing: run scripts/install-tools.sh"; exit 1; }
node24="$ROOT/node_modules/node/bin/node"
[ -x "$node24" ] || { log "Node 24 missing: npm ci (devDependency node)"; exit 1; }
case "$("$node24" --version)" in v24.*) ;; *) log "want Node 24, got $("$node24" --version)"; exit 1 ;; esac

work="$(mktemp -d "${TMPDIR:-/tmp}/hpa-container.XXXXXX")"
chmod 755 "$work" # the replay starts the CMD as the image's user (uid 1000), who must reach it
replay_pid=""
cleanup() {
  if [ -n "$replay_pid" ]; then kill "$replay_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

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

# Node 24 first on PATH, as in the node:24 image (npm's and tsc's `env node` resolve to it).
mkdir -p "$work/bin"
ln -s "$node24" "$work/bin/node"
export PATH="$work/bin:$PATH"
timeout --kill-after=10 1200 "$node24" "$ROOT/node_modules/tsx/dist/cli.mjs" app/test/container/replay.ts --work "$work/replay" &
replay_pid=$!
set +e
wait "$replay_pid"
rc=$?
set -e
replay_pid=""
[ "$rc" -eq 0 ] || { log "replay failed (exit $rc)"; exit "$rc"; }
log "container check passed"
