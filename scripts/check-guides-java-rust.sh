#!/usr/bin/env bash
# Compiles every Java and Rust guide example against the pinned SDKs (javac with the Java SDK's Maven
# classpath; cargo check of one crate with each example a bin), then checks the committed Java and Rust API
# indexes against a fresh build from the cached SDK sources. Maven's local repository, cargo's home and its
# target directory live under $HPA_CACHE (default ~/.cache/hpa), so a second run reuses them.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

HPA_CACHE="${HPA_CACHE:-$HOME/.cache/hpa}"
export HPA_CACHE CARGO_HOME="$HPA_CACHE/cargo" CARGO_TARGET_DIR="$HPA_CACHE/cargo/target"
M2="$HPA_CACHE/m2"
WORK="$HPA_CACHE/guide-examples"
mkdir -p "$M2" "$WORK/rust"

# rustup installs cargo under ~/.cargo/bin, which a non-login shell (CI) may not have on PATH.
command -v cargo >/dev/null || export PATH="$HOME/.cargo/bin:$PATH"
for tool in mvn javac cargo protoc; do command -v "$tool" >/dev/null || { log "$tool is missing: run bash scripts/tools/jvm-rust.sh (and install a Rust toolchain for cargo)"; exit 1; }; done

step() { # step NAME COMMAND...: runs it and prints one line with its time
  local name="$1" started=$SECONDS
  shift
  if "$@" >"$WORK/$name.log" 2>&1; then
    log "$name ok in $((SECONDS - started)) s"
  else
    log "$name FAILED in $((SECONDS - started)) s:"
    tail -n 60 "$WORK/$name.log" >&2
    exit 1
  fi
}

step extract npx tsx scripts/knowledge/extract-examples.ts "$WORK"

# Java: the SDK's classpath, resolved once per pom (keyed by its hash).
CP_FILE="$HPA_CACHE/java-classpath-$(sha256sum scripts/sdk-java/pom.xml | cut -c1-16).txt"
if [ ! -s "$CP_FILE" ]; then
  step maven mvn -q -B -f scripts/sdk-java/pom.xml "-Dmaven.repo.local=$M2" dependency:build-classpath "-Dmdep.outputFile=$CP_FILE"
fi
# javac has no incremental mode: a stamp of the sources and the classpath skips an unchanged set.
STAMP="$(cat "$CP_FILE" "$WORK"/java/*.java | sha256sum | cut -c1-16)"
if [ "$(cat "$WORK/java-classes/.stamp" 2>/dev/null)" = "$STAMP" ]; then
  log "javac skipped: the Java examples are unchanged since the last successful compile"
else
  rm -rf "$WORK/java-classes" && mkdir -p "$WORK/java-classes"
  step javac javac -Xlint:none -proc:none -cp "$(cat "$CP_FILE")" -d "$WORK/java-classes" "$WORK"/java/*.java
  echo "$STAMP" >"$WORK/java-classes/.stamp"
fi

# Rust: one crate (the committed Cargo.toml and Cargo.lock), each example a bin.
for f in Cargo.toml Cargo.lock; do cmp -s "scripts/sdk-rust/$f" "$WORK/rust/$f" || cp "scripts/sdk-rust/$f" "$WORK/rust/$f"; done
step cargo-check cargo check --locked --quiet --bins --manifest-path "$WORK/rust/Cargo.toml"
# hiero-sdk-proto's build script writes into its OUT_DIR after cargo records the run, so cargo sees the crate as
# changed on every run and rebuilds it and everything above it (about a minute). Dating the OUT_DIR's files a
# second before that record (cargo compares the newest time in the tree; their contents do not change) keeps the
# next warm check to the examples that changed.
for run in "$CARGO_TARGET_DIR"/debug/build/hiero-sdk-proto-*/; do
  if [ -f "$run/output" ] && [ -d "$run/out" ]; then
    find "$run/out" -exec touch -d "@$(( $(stat -c %Y "$run/output") - 1 ))" {} +
  fi
done

# The committed indexes against a fresh build from the same SDK sources (fetched above by Maven and cargo).
step api-indexes npx tsx scripts/knowledge/check-api-indexes.ts
