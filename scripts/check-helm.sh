#!/usr/bin/env bash
# Checks the Helm chart: lint, render (defaults, ci/*.yaml, overrides), validate the manifests offline
# against the Kubernetes API schemas (kubernetes-validate), then the chart's pytest suite.
# Needs the tools of scripts/tools/helm.sh and scripts/tools/python.sh (scripts/install-tools.sh runs both).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

CHART=charts/hedera-playground-assistant
RELEASE=hedera-playground-assistant
HELM="$TOOLS_BIN/helm"
PY="$ROOT/.tools/venv/bin/python"
# Oldest supported (Chart.yaml kubeVersion, needed by lifecycle.preStop.sleep) and newest with schemas.
KUBE_VERSIONS=(1.30.0 1.37.0)

[ -x "$HELM" ] || { log "helm missing: run bash scripts/tools/helm.sh"; exit 1; }
[ -x "$PY" ] || { log "venv missing: run bash scripts/tools/python.sh"; exit 1; }

run() { printf '+ %s\n' "$*" >&2; "$@"; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

log "helm: $("$HELM" version --short)"

# 0. Without --kube-version, helm assumes the Kubernetes version it was built for (scripts/tools/helm.sh sets
#    it from Helm's client-go): the chart must render there, as `helm template` users run it, and the
#    chart's kubeVersion must still refuse a cluster older than it needs.
run "$HELM" template "$RELEASE" "$CHART" >"$out/no-kube-version.yaml"
grep -q '^kind: Deployment$' "$out/no-kube-version.yaml" || { log "helm template without --kube-version rendered no Deployment"; exit 1; }
if "$HELM" template "$RELEASE" "$CHART" --kube-version 1.29.0 >/dev/null 2>"$out/old-kube.err"; then
  log "the chart rendered for Kubernetes 1.29, below its kubeVersion"; exit 1
fi
grep -q 'kubeVersion' "$out/old-kube.err" || { log "Kubernetes 1.29 failed for another reason:"; cat "$out/old-kube.err" >&2; exit 1; }
log "helm template without --kube-version renders; Kubernetes 1.29 is refused by kubeVersion"

# 1. Lint, strict, with the defaults and with every ci/ values file, for each Kubernetes version.
for kv in "${KUBE_VERSIONS[@]}"; do
  run "$HELM" lint --strict "$CHART" --kube-version "$kv" --quiet
  for values in "$CHART"/ci/*.yaml; do
    run "$HELM" lint --strict "$CHART" --kube-version "$kv" --quiet -f "$values"
  done
done

# 2. Render: defaults, ci/ files, and overrides that switch the optional parts on and off.
render() { # render NAME [helm args...]
  local name="$1"; shift
  run "$HELM" template "$RELEASE" "$CHART" --namespace playground --kube-version "${KUBE_VERSIONS[0]}" "$@" \
    > "$out/$name.yaml"
}
render defaults
for values in "$CHART"/ci/*.yaml; do
  render "ci-$(basename "$values" .yaml)" -f "$values"
done
render ingress-on --set ingress.enabled=true --set service.type=ClusterIP --set ingress.host=assistant.example.com \
  --set trustedProxyHops=1
render metrics-podmonitoring --set metrics.podMonitoring.enabled=true --set metrics.serviceMonitor.enabled=true
render metrics-off --set metrics.enabled=false
render openai-existing-secret --set openai.existingSecret=assistant-openai --set admin.existingSecret=assistant-admin \
  --set redis.existingSecret=assistant-redis
render openai-api-key --set openai.apiKey=sk-test-not-a-real-key
render auth-token --set auth.mode=token --set auth.tokensSecretVersion=projects/p/secrets/API_TOKENS/versions/latest
render auth-jwt --set auth.mode=jwt --set auth.jwt.jwksUrl=https://issuer.example.com/.well-known/jwks.json \
  --set auth.jwt.issuer=https://issuer.example.com --set auth.jwt.audience=playground
render networkpolicy-on --set networkPolicy.enabled=true --set networkPolicy.allowExternal=false \
  --set networkPolicy.allowExternalEgress=false
render hpa-off --set autoscaling.enabled=false --set replicaCount=3 --set pdb.maxUnavailable= --set pdb.minAvailable=2
render nodeport-no-spread --set service.type=NodePort --set service.nodePort=30080 --set topologySpread.enabled=false \
  --set fullnameOverride=assistant

# 3. Every rendered manifest against the Kubernetes API schemas (strict), for each version.
#    CRDs (BackendConfig, PodMonitoring, ServiceMonitor) have no upstream schema: the validator checks them
#    against its own subset schemas and says so; any other kind without a schema fails.
kv_args=()
for kv in "${KUBE_VERSIONS[@]}"; do kv_args+=(--kube-version "$kv"); done
run "$PY" "$CHART/tests/k8s_validate.py" --quiet "${kv_args[@]}" "$out"/*.yaml

# 4. The chart's tests: real helm template, rules asserted on the parsed YAML, bad values rejected.
HELM="$HELM" run "$ROOT/.tools/venv/bin/pytest" -q -p no:cacheprovider "$CHART/tests"
log "helm chart checks passed"
