#!/usr/bin/env bash
# tflint (with its bundled Terraform ruleset) and the Google ruleset as a local plugin, both built from
# source with the Go toolchain (pinned), cached outside the clone. tflint is linked as .tools/bin/tflint; the
# plugin as .tools/tflint-plugins/tflint-ruleset-google (TFLINT_PLUGIN_DIR), where tflint finds a plugin block
# without `source`/`version` (infra/terraform/.tflint.hcl), so it never downloads one.
#
# The Google ruleset is pinned to v0.39.0: the module proxy serves that version, but not the module's
# version list, which `go install module@version` asks for (its deprecation check) and fails on. So the
# module is fetched with `go mod download` and installed from its own directory, with its own go.sum.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
go_tool tflint github.com/terraform-linters/tflint@v0.61.0

GOOGLE_RULESET=github.com/terraform-linters/tflint-ruleset-google@v0.39.0
dir="$CACHE_DIR/go-bin/${GOOGLE_RULESET//[\/@]/_}"
if [ ! -x "$dir/tflint-ruleset-google" ]; then
  log "building $GOOGLE_RULESET (cached in $dir)"
  src="$(GOFLAGS=-mod=mod go mod download -json "$GOOGLE_RULESET" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -d "$src" ] || { log "go mod download $GOOGLE_RULESET gave no source directory"; exit 1; }
  mkdir -p "$dir"
  (cd "$src" && GOBIN="$dir" GOFLAGS=-mod=mod go install .)
fi
mkdir -p "$ROOT/.tools/tflint-plugins"
ln -sf "$dir/tflint-ruleset-google" "$ROOT/.tools/tflint-plugins/tflint-ruleset-google"
