#!/usr/bin/env bash
# redis-server from Debian's packages (used by the Redis tests; the tests start their own servers).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
if ! command -v redis-server >/dev/null 2>&1; then
  log "installing redis-server"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq redis-server >/dev/null
  # The tests start their own redis-server processes; the packaged service is not needed.
  (service redis-server stop || true) >/dev/null 2>&1
fi
