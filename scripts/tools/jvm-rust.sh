#!/usr/bin/env bash
# What the Java and Rust guide check (scripts/check-guides-java-rust.sh) needs beside cargo: a JDK and Maven,
# and protoc, which the hiero-sdk crate's protobuf build script runs. All from Debian's packages.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
missing=()
command -v javac >/dev/null 2>&1 || missing+=(default-jdk-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
command -v protoc >/dev/null 2>&1 || missing+=(protobuf-compiler)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v cargo >/dev/null 2>&1 || log "cargo is missing: install a Rust toolchain (rustup) for the Rust guide check"
