# Shared helpers for the project's tool and check scripts (sourced, not run).
# Tools are built or downloaded once into a cache outside the clone and linked into .tools/bin.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_BIN="$ROOT/.tools/bin"
CACHE_DIR="${HPA_CACHE_DIR:-$HOME/.cache/hedera-playground-assistant}"
mkdir -p "$TOOLS_BIN" "$CACHE_DIR"
export PATH="$TOOLS_BIN:$PATH"

log() { printf '[%s] %s\n' "$(basename "$0" .sh)" "$*" >&2; }

# venv_tool LINK REQUIREMENTS: a venv with those pinned packages, keyed by the file's hash, linked as .tools/LINK.
venv_tool() {
  local link="$1" req="$2"
  local hash venv
  hash=$(sha256sum "$req" | cut -c1-16)
  venv="$CACHE_DIR/$link-$hash"
  if [ ! -x "$venv/bin/python" ] || [ ! -f "$venv/.complete" ]; then
    log "creating $venv"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req"
    touch "$venv/.complete"
  fi
  ln -sfn "$venv" "$ROOT/.tools/$link"
}

# path_tool NAME VERSION: when the first NAME on PATH (outside .tools/bin) reports exactly VERSION (through
# `NAME --version` or `NAME version`), link it as .tools/bin/NAME and succeed, so nothing is built from source.
path_tool() {
  local name="$1" version="${2#v}" dir found
  local IFS=:
  for dir in $PATH; do
    [ -n "$dir" ] && [ "$dir" != "$TOOLS_BIN" ] && [ -x "$dir/$name" ] || continue
    found="$dir/$name"
    # Version strings like "v1.8.5", "version 0.61.0" or Version:"v3.22.0": the number must stand alone.
    if { timeout 20 "$found" --version; timeout 20 "$found" version; } 2>/dev/null \
      | grep -Eq "(^|[^0-9.])v?${version//./\\.}([^0-9.]|$)"; then
      ln -sf "$found" "$TOOLS_BIN/$name"
      log "using $found: it is the pinned $version"
      return 0
    fi
    return 1
  done
  return 1
}

# go_tool NAME MODULE@VERSION: the pinned version from PATH if it is there, else go install into a versioned
# cache dir; then link into .tools/bin.
go_tool() {
  local name="$1" spec="$2"
  local dir="$CACHE_DIR/go-bin/${spec//[\/@]/_}"
  if [ ! -x "$dir/$name" ]; then
    path_tool "$name" "${spec##*@}" && return 0
    log "building $spec from source, once (cached in $dir)"
    mkdir -p "$dir"
    GOBIN="$dir" GOFLAGS=-mod=mod go install "$spec"
  fi
  ln -sf "$dir/$name" "$TOOLS_BIN/$name"
}
