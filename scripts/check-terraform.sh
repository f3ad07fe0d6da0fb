#!/usr/bin/env bash
# Checks infra/terraform: terraform fmt, tflint (bundled Terraform ruleset + Google ruleset), the name-level
# schema check against google provider 6.50.0, the pytest wiring and validation tests, and checkov.
# tflint and the schema check must each fail on scripts/tests/fixtures/terraform-misspelt, so they can fail.
# `terraform validate` needs the provider plugins; it runs when they are in the provider mirror
# ($CACHE_DIR/terraform-providers), and says why it is skipped otherwise (see docs/deploy-terraform.md).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

[ -x "$TOOLS_BIN/terraform" ] && [ -x .tools/checkov-venv/bin/checkov ] || bash scripts/tools/terraform.sh
[ -x .tools/venv/bin/pytest ] || bash scripts/tools/python.sh
[ -x "$TOOLS_BIN/tflint" ] && [ -x .tools/tflint-plugins/tflint-ruleset-google ] || bash scripts/tools/tflint.sh
bash scripts/tools/tf-schema-check.sh

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

misspelt=scripts/tests/fixtures/terraform-misspelt
work="$(mktemp -d "${TMPDIR:-/tmp}/hpa-terraform.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# expect_failure NAME OUTPUT PATTERN...: the command behind OUTPUT failed and reported every PATTERN.
expect_failure() {
  local name="$1" out="$2"; shift 2
  for pattern in "$@"; do
    grep -qF -- "$pattern" "$out" || { log "$name did not report $pattern on $misspelt:"; cat "$out" >&2; exit 1; }
  done
  log "$name fails $misspelt ($# expected findings), as it should"
}

# tflint: plugins only from the local dir (scripts/tools/tflint.sh); every finding fails.
export TFLINT_PLUGIN_DIR="$ROOT/.tools/tflint-plugins"
tflint_args=(--config "$ROOT/infra/terraform/.tflint.hcl" --format compact --no-color)
run tflint --chdir infra/terraform --version --config "$ROOT/infra/terraform/.tflint.hcl"
run tflint --chdir infra/terraform --recursive "${tflint_args[@]}"
if tflint --chdir "$misspelt" "${tflint_args[@]}" >"$work/tflint.out" 2>&1; then
  log "tflint passed $misspelt"; exit 1
fi
expect_failure tflint "$work/tflint.out" google_compute_instance_invalid_machine_type

# The google provider's names (scripts/tools/tf-schema-check.sh): what `terraform validate` would refuse.
schema_check=("$TOOLS_BIN/tf-schema-check" check -schema "$ROOT/.tools/google-provider-schema.json")
run "${schema_check[@]}" infra/terraform
if "${schema_check[@]}" "$misspelt" >"$work/schema.out" 2>&1; then
  log "the schema check passed $misspelt"; exit 1
fi
expect_failure "the schema check" "$work/schema.out" 'excludes 6.50.0' 'unknown argument "deletion_protecton"' \
  'unknown argument "imagee"' 'unknown argument "valeu"' '"scaling" is a block' 'no data source type "google_clinet_config"' \
  '6 name(s) the google provider does not know'

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
