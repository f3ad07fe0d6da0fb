#!/usr/bin/env bash
# Chromium from Debian's packages (the browser test drives it headless through playwright-core).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
if [ ! -x /usr/bin/chromium ]; then
  log "installing chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq chromium >/dev/null
fi
