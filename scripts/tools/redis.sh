#!/usr/bin/env bash
# redis-server from Debian's packages (the Redis tests start their own servers), and openssl, with which the
# TLS test makes its self-signed certificate.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq "${missing[@]}" >/dev/null
  # The tests start their own redis-server processes; the packaged service is not needed.
  (service redis-server stop || true) >/dev/null 2>&1
fi
