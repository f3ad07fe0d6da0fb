#!/usr/bin/env bash
# Python venv with the pinned test tools of requirements-dev.txt (pytest, kubernetes-validate, ...).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
venv_tool venv "$ROOT/requirements-dev.txt"
