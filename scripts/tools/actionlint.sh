#!/usr/bin/env bash
# actionlint (GitHub Actions workflow linter), built from source with the Go toolchain, pinned,
# cached outside the clone, linked as .tools/bin/actionlint. It runs shellcheck (pinned in
# requirements-dev.txt, from the venv) on the workflows' run: steps.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
go_tool actionlint github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
