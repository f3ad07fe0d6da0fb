#!/usr/bin/env bash
# Installs every tool the test command needs, pinned and cached outside the clone. One line per tool says how
# long it took: the first run on a fresh machine builds helm, terraform, tflint and actionlint from source
# (minutes; docs/testing.md has measured times), later runs find everything cached (seconds).
set -euo pipefail
cd "$(dirname "$0")/.."
tools=(scripts/tools/*.sh)
started=$EPOCHREALTIME
for i in "${!tools[@]}"; do
  tool="${tools[$i]}"
  begin=$EPOCHREALTIME
  bash "$tool"
  printf '[install-tools] %d/%d %s: %s s\n' "$((i + 1))" "${#tools[@]}" "$(basename "$tool" .sh)" \
    "$(awk -v a="$begin" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')" >&2
done
printf '[install-tools] all tools ready in %s s\n' "$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')" >&2
