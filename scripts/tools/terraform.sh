#!/usr/bin/env bash
# Terraform CLI and checkov for scripts/check-terraform.sh, pinned and cached outside the clone.
#
# Terraform is built from source with go install. v1.8.5 is the newest release that go install
# accepts: from v1.9 on, Terraform's go.mod replaces its remote-state backends with nested local
# modules, and `go install module@version` refuses any go.mod with replace directives. The checks
# use `fmt`, `init`/`validate`/`plan` on provider-less roots and `version`, which 1.8 has unchanged.
#
# checkov gets a venv of its own: it pins packaging<24, which pytest 9 in requirements-dev.txt
# cannot share.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"

TERRAFORM_MODULE="github.com/hashicorp/terraform@v1.8.5"
go_tool terraform "$TERRAFORM_MODULE"

venv_tool checkov-venv "$ROOT/infra/terraform/requirements-checkov.txt"
