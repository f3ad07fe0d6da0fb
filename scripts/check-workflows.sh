#!/usr/bin/env bash
# The GitHub workflows check:
#  1. actionlint (pinned, scripts/tools/actionlint.sh) on every workflow, with shellcheck
#     (pinned, requirements-dev.txt) on their run: steps; any finding fails.
#  2. A deliberately broken workflow must make actionlint fail, so step 1 can fail.
#  3. scripts/tests/test_deploy_config.py (pytest): the rules the deploy docs promise for
#     ci.yml, release.yml and cloudbuild.yaml (keyless auth, tag trigger, gated deploys, ...), and
#     scripts/tests/test_tool_install.py: the tool installer uses a pinned tool on PATH and times each tool.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

actionlint="$TOOLS_BIN/actionlint"
shellcheck="$ROOT/.tools/venv/bin/shellcheck"
pytest="$ROOT/.tools/venv/bin/pytest"
for tool in "$actionlint" "$shellcheck" "$pytest"; do
  [ -x "$tool" ] || { log "$tool missing: run scripts/install-tools.sh"; exit 1; }
done

shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
[ "${#workflows[@]}" -gt 0 ] || { log "no workflows in .github/workflows"; exit 1; }
log "actionlint $("$actionlint" -version | head -n 1) + shellcheck $("$shellcheck" --version | awk '/^version:/ {print $2}') on ${workflows[*]}"
"$actionlint" -shellcheck="$shellcheck" -pyflakes= "${workflows[@]}"
log "actionlint: no findings"

work="$(mktemp -d "${TMPDIR:-/tmp}/hpa-workflows.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/.github/workflows"
cat >"$work/.github/workflows/broken.yml" <<'YAML'
name: broken
on:
  push:
    branchs: [main]
jobs:
  test:
    runs-on: ubuntu-24.04
    needs: build
    steps:
      - uses: actions/checkout@v6
        with:
          fetch-dept: 0
      - run: echo ${{ github.event.pull_request.title }} $UNQUOTED
      - run: echo "${{ steps.nope.outputs.x }}"
YAML
if (cd "$work" && "$actionlint" -shellcheck="$shellcheck" -pyflakes= -no-color .github/workflows/broken.yml) >"$work/broken.out" 2>&1; then
  log "actionlint passed a deliberately broken workflow"; exit 1
fi
for rule in syntax-check job-needs action expression shellcheck; do
  grep -q "\[$rule\]" "$work/broken.out" || { log "actionlint did not report [$rule] on the broken workflow:"; cat "$work/broken.out" >&2; exit 1; }
done
log "actionlint fails a broken workflow ($(grep -c '^\.github' "$work/broken.out") findings), as it should"

"$pytest" -q -p no:cacheprovider scripts/tests/test_deploy_config.py scripts/tests/test_tool_install.py
