#!/usr/bin/env bash
# The one test command: installs what is missing, then runs every check of the project.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci
bash scripts/install-tools.sh
export PATH="$PWD/.tools/bin:$PATH"
# npm puts node_modules/.bin first on PATH, so this is the Node 24 of the `node` devDependency.
echo "node $(node -v), npm $(npm -v 2>/dev/null)"
npm run -s typecheck
# The client package builds for browsers (DOM types, no Node types): its own compiler settings.
npx tsc -p client/tsconfig.json --noEmit
npx tsc -p client/playground/tsconfig.json
npm run -s lint
npx vitest run
for check in scripts/check-*.sh; do
  echo "== $check"
  bash "$check"
done
