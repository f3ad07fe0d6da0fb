#!/usr/bin/env bash
# The name-level schema check of infra/terraform (scripts/check-terraform.sh): scripts/tools/tf-schema-check
# built with the Go toolchain, and the google provider's resource, data source and block names extracted
# once from the npm package @cdktf/provider-google (generated from google provider 6.50.0) into a cached
# JSON file. The package (31 MB packed, 307 MB unpacked) is fetched with `npm pack` into the cache, never
# made a project dependency: only its generated lib/**/*.js is read, and only once per version.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"

CDKTF_GOOGLE_VERSION=16.12.1 # the last 16.x, generated from hashicorp/google 6.50.0
src="$ROOT/scripts/tools/tf-schema-check"
hash="$(cat "$src"/go.mod "$src"/go.sum "$src"/*.go | sha256sum | cut -c1-12)"
bin_dir="$CACHE_DIR/go-bin/tf-schema-check-$hash"
if [ ! -x "$bin_dir/tf-schema-check" ]; then
  log "building tf-schema-check (cached in $bin_dir)"
  mkdir -p "$bin_dir"
  (cd "$src" && GOFLAGS=-mod=mod go build -o "$bin_dir/tf-schema-check" .)
fi
ln -sf "$bin_dir/tf-schema-check" "$TOOLS_BIN/tf-schema-check"

schema="$CACHE_DIR/google-provider-schema/cdktf-provider-google-$CDKTF_GOOGLE_VERSION-$hash.json"
if [ ! -s "$schema" ]; then
  pkg_dir="$CACHE_DIR/google-provider-schema/pkg"
  tgz="$pkg_dir/cdktf-provider-google-$CDKTF_GOOGLE_VERSION.tgz"
  mkdir -p "$pkg_dir"
  if [ ! -s "$tgz" ]; then
    log "fetching @cdktf/provider-google@$CDKTF_GOOGLE_VERSION (npm pack, into $pkg_dir)"
    (cd "$pkg_dir" && npm pack --silent "@cdktf/provider-google@$CDKTF_GOOGLE_VERSION" >/dev/null)
  fi
  work="$(mktemp -d "${TMPDIR:-/tmp}/hpa-cdktf.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  tar -xzf "$tgz" -C "$work" --wildcards 'package/package.json' 'package/lib/*.js'
  "$bin_dir/tf-schema-check" extract -package "$work/package" -out "$schema.partial"
  mv "$schema.partial" "$schema"
fi
ln -sf "$schema" "$ROOT/.tools/google-provider-schema.json"
