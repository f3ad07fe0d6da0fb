# tflint for infra/terraform (scripts/check-terraform.sh runs it on the root, modules and examples).
# Both rulesets are local: the bundled Terraform ruleset, and the Google ruleset built by
# scripts/tools/tflint.sh into TFLINT_PLUGIN_DIR (no `source`, so tflint never downloads a plugin).
config {
  # Lint the local modules the root and the examples call, as part of each caller.
  call_module_type = "local"
}

plugin "terraform" {
  enabled = true
  preset  = "all"
}

plugin "google" {
  enabled = true
}
