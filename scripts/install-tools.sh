#!/usr/bin/env bash
# Installs every tool the test command needs, pinned and cached outside the clone.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in scripts/tools/*.sh; do
  bash "$tool"
done
