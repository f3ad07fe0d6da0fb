#!/usr/bin/env bash
# Checks infra/terraform: terraform fmt, the pytest wiring and validation tests, and checkov.
# `terraform validate` needs the provider plugins; it runs when they are in the provider mirror
# ($CACHE_DIR/terraform-providers), and says why it is skipped otherwise (see docs/deploy-terraform.md).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

[ -x "$TOOLS_BIN/terraform" ] && [ -x .tools/checkov-venv/bin/checkov ] || bash scripts/tools/terraform.sh
[ -x .tools/venv/bin/pytest ] || bash scripts/tools/python.sh

# Terraform never reaches a registry here: providers come only from the local mirror.
mirror="$CACHE_DIR/terraform-providers"
mkdir -p "$mirror"
export TF_CLI_CONFIG_FILE="$ROOT/.tools/terraform.rc"
cat >"$TF_CLI_CONFIG_FILE" <<RC
provider_installation {
  filesystem_mirror {
    path = "$mirror"
  }
}
RC
export TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
export TERRAFORM="$TOOLS_BIN/terraform"

run() { printf '+ %s\n' "$*"; "$@"; }

run terraform version
run terraform fmt -check -recursive -diff infra/terraform

# The mirror layout is HOST/NAMESPACE/TYPE/VERSION/OS_ARCH/; any host will do.
if compgen -G "$mirror/*/hashicorp/google" >/dev/null; then
  for dir in infra/terraform infra/terraform/examples/*/; do
    run terraform -chdir="$dir" init -backend=false -input=false -no-color >/dev/null
    run terraform -chdir="$dir" validate -no-color
    rm -rf "$dir/.terraform" "$dir/.terraform.lock.hcl"
  done
else
  echo "SKIP terraform validate: no provider plugins in $mirror (the google provider cannot be built from the Go module proxy here)"
fi

run .tools/venv/bin/pytest -q -p no:cacheprovider infra/terraform/tests

run env -u BC_API_KEY LOG_LEVEL=ERROR .tools/checkov-venv/bin/checkov -d infra/terraform --framework terraform \
  --quiet --compact --skip-download --download-external-modules false
