#!/usr/bin/env bash
# Python venv with the pinned test tools of requirements-dev.txt, keyed by that file's hash.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
hash=$(sha256sum "$ROOT/requirements-dev.txt" | cut -c1-16)
venv="$CACHE_DIR/venv-$hash"
if [ ! -x "$venv/bin/pytest" ]; then
  log "creating $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$ROOT/requirements-dev.txt"
fi
ln -sfn "$venv" "$ROOT/.tools/venv"
