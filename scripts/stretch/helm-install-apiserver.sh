#!/usr/bin/env bash
# STRETCH, not part of `npm test` (run it by hand: bash scripts/stretch/helm-install-apiserver.sh).
# `helm install` of the chart against a real Kubernetes API server (no nodes: nothing is scheduled, so no
# pod runs): kube-apiserver + etcd from scripts/stretch/kube-apiserver.sh, on 127.0.0.1 only, started here and
# stopped at the end. The server validates and admits every object the chart renders with its defaults and
# with ci/full-values.yaml (types, required fields, defaulting, admission), which offline schema checks
# cannot fully do; then helm upgrade and helm uninstall must work too.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"

HELM="$TOOLS_BIN/helm"
APISERVER="$TOOLS_BIN/kube-apiserver"
CHART=charts/hedera-playground-assistant
[ -x "$HELM" ] || { log "helm missing: run bash scripts/tools/helm.sh"; exit 1; }
[ -x "$APISERVER" ] && command -v etcd >/dev/null 2>&1 || bash scripts/stretch/kube-apiserver.sh

work="$(mktemp -d "${TMPDIR:-/tmp}/hpa-apiserver.XXXXXX")"
pids=()
# Stop the API server before its etcd (it drains against etcd), each with 15 s before SIGKILL.
cleanup() {
  local i pid
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    pid="${pids[$i]}"
    kill "$pid" 2>/dev/null || continue
    timeout 15 tail --pid="$pid" -f /dev/null || kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
etcd_port="$(free_port)"; peer_port="$(free_port)"; api_port="$(free_port)"

etcd --data-dir "$work/etcd" --listen-client-urls "http://127.0.0.1:$etcd_port" \
  --advertise-client-urls "http://127.0.0.1:$etcd_port" --listen-peer-urls "http://127.0.0.1:$peer_port" \
  --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" --initial-cluster "default=http://127.0.0.1:$peer_port" \
  >"$work/etcd.log" 2>&1 &
pids+=($!)

openssl genrsa -out "$work/sa.key" 2048 2>/dev/null
openssl rsa -in "$work/sa.key" -pubout -out "$work/sa.pub" 2>/dev/null
token="$(openssl rand -hex 24)"
printf '%s,admin,admin,system:masters\n' "$token" >"$work/tokens.csv"
"$APISERVER" --etcd-servers "http://127.0.0.1:$etcd_port" --bind-address 127.0.0.1 --secure-port "$api_port" \
  --cert-dir "$work/certs" --token-auth-file "$work/tokens.csv" --authorization-mode RBAC \
  --service-account-issuer https://kubernetes.default.svc --service-account-key-file "$work/sa.pub" \
  --service-account-signing-key-file "$work/sa.key" --service-cluster-ip-range 10.96.0.0/16 \
  >"$work/apiserver.log" 2>&1 &
pids+=($!)

cat >"$work/kubeconfig" <<YAML
apiVersion: v1
kind: Config
clusters: [{name: local, cluster: {server: "https://127.0.0.1:$api_port", insecure-skip-tls-verify: true}}]
users: [{name: admin, user: {token: "$token"}}]
contexts: [{name: local, context: {cluster: local, user: admin}}]
current-context: local
YAML
chmod 600 "$work/kubeconfig"
export KUBECONFIG="$work/kubeconfig"

# Ready when /readyz says so (its post-start hooks done); give up after 120 s, with the logs.
ready=""
for _ in $(seq 1 240); do
  if curl -fsSk --max-time 2 -H "Authorization: Bearer $token" "https://127.0.0.1:$api_port/readyz" >/dev/null 2>&1; then ready=1; break; fi
  kill -0 "${pids[0]}" 2>/dev/null && kill -0 "${pids[1]}" 2>/dev/null || break
  sleep 0.5
done
[ -n "$ready" ] || { tail -n 30 "$work/etcd.log" "$work/apiserver.log" >&2; log "kube-apiserver did not become ready"; exit 1; }
log "ready after $SECONDS s: kube-apiserver $("$APISERVER" --version | awk '{print $2}') with etcd $(etcd --version | awk '/etcd Version/ {print $3}') ready on 127.0.0.1:$api_port"

run() { printf '+ %s\n' "$*" >&2; "$@"; }
run "$HELM" install assistant "$CHART" --namespace playground --create-namespace >"$work/install.out"

# ci/full-values.yaml also renders three CRD kinds (GKE's BackendConfig, Google Managed Prometheus'
# PodMonitoring, the Prometheus Operator's ServiceMonitor). Their real CRDs are not vendored here, so
# stand-in CRDs (any fields) register the kinds; the server then checks those objects' metadata only.
crds="$work/crd-stand-ins"
mkdir -p "$crds/crds" "$crds/templates"
printf 'apiVersion: v2\nname: crd-stand-ins\nversion: 0.0.0\n' >"$crds/Chart.yaml"
for spec in backendconfigs:BackendConfig:cloud.google.com podmonitorings:PodMonitoring:monitoring.googleapis.com \
  servicemonitors:ServiceMonitor:monitoring.coreos.com; do
  IFS=: read -r plural kind group <<<"$spec"
  cat >"$crds/crds/$plural.yaml" <<YAML
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: $plural.$group}
spec:
  group: $group
  scope: Namespaced
  names: {plural: $plural, singular: ${plural%s}, kind: $kind}
  versions:
    - name: v1
      served: true
      storage: true
      schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
YAML
done
run "$HELM" install crd-stand-ins "$crds" --namespace default >/dev/null
run "$HELM" upgrade assistant "$CHART" --namespace playground -f "$CHART/ci/full-values.yaml" >"$work/upgrade.out"
status="$("$HELM" status assistant --namespace playground -o json)"
case "$status" in *'"status":"deployed"'*) ;; *) log "the release is not deployed: $status"; exit 1 ;; esac
objects="$("$HELM" get manifest assistant --namespace playground | grep -c '^kind: ')"
log "helm install and upgrade (defaults, then ci/full-values.yaml): $objects objects admitted by the API server"
run "$HELM" uninstall assistant --namespace playground --wait >/dev/null
log "helm uninstall: done"
