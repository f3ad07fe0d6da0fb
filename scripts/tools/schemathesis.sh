#!/usr/bin/env bash
# schemathesis in a venv of its own (requirements-schemathesis.txt), linked as .tools/schemathesis-venv.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
venv_tool schemathesis-venv "$ROOT/requirements-schemathesis.txt"
