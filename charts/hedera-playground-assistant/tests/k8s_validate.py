"""Validates rendered manifests offline against the Kubernetes API schemas shipped by kubernetes-validate.

Usage: python k8s_validate.py --kube-version 1.30.0 [--kube-version 1.37.0] FILE...

Every document is checked in strict mode (unknown fields are errors) for every Kubernetes version given.
Custom resources have no schema in kubernetes-validate: the three kinds this chart renders are checked
instead against CRD_SCHEMAS below (the fields the chart sets, copied from each CRD's documented spec),
and reported as such. Any other kind without a schema is a failure, never a silent pass.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import jsonschema
import kubernetes_validate
import yaml

# Custom resources the chart renders, with the reason they are not in the Kubernetes API schemas.
# The schemas cover what the chart sets; additionalProperties false catches misspelled fields.
_INTERVAL = {"type": "string", "pattern": "^[0-9]+(ms|s|m|h)$"}
_METADATA = {
    "type": "object",
    "required": ["name"],
    "properties": {"name": {"type": "string", "pattern": "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", "maxLength": 63}},
}
def _monitor_schema(port_types):
    """PodMonitoring and ServiceMonitor share a shape: a label selector and scrape endpoints."""
    return {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {
            "metadata": _METADATA,
            "spec": {
                "type": "object",
                "additionalProperties": False,
                "required": ["selector", "endpoints"],
                "properties": {
                    "selector": {
                        "type": "object",
                        "required": ["matchLabels"],
                        "properties": {"matchLabels": {"type": "object", "minProperties": 1,
                                                       "additionalProperties": {"type": "string"}}},
                    },
                    "endpoints": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["port"],
                            "properties": {"port": {"type": port_types},
                                           "path": {"type": "string", "pattern": "^/"},
                                           "interval": _INTERVAL},
                        },
                    },
                },
            },
        },
    }


CRD_SCHEMAS: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {
    ("cloud.google.com/v1", "BackendConfig"): (
        "GKE Ingress CRD (installed on every GKE cluster), not part of the Kubernetes API",
        {
            "type": "object",
            "required": ["apiVersion", "kind", "metadata", "spec"],
            "properties": {
                "metadata": _METADATA,
                "spec": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["timeoutSec"],
                    "properties": {
                        "timeoutSec": {"type": "integer", "minimum": 1, "maximum": 2147483647},
                        "connectionDraining": {
                            "type": "object",
                            "additionalProperties": False,
                            "properties": {"drainingTimeoutSec": {"type": "integer", "minimum": 0, "maximum": 3600}},
                        },
                        "healthCheck": {
                            "type": "object",
                            "additionalProperties": False,
                            "properties": {
                                "type": {"enum": ["HTTP", "HTTPS", "HTTP2"]},
                                "requestPath": {"type": "string", "pattern": "^/"},
                                "port": {"type": "integer", "minimum": 1, "maximum": 65535},
                                "checkIntervalSec": {"type": "integer", "minimum": 1},
                                "timeoutSec": {"type": "integer", "minimum": 1},
                                "healthyThreshold": {"type": "integer", "minimum": 1},
                                "unhealthyThreshold": {"type": "integer", "minimum": 1},
                            },
                        },
                    },
                },
            },
        },
    ),
    ("monitoring.googleapis.com/v1", "PodMonitoring"): (
        "Google Managed Prometheus CRD, not part of the Kubernetes API",
        _monitor_schema(port_types=["string", "integer"]),
    ),
    ("monitoring.coreos.com/v1", "ServiceMonitor"): (
        "Prometheus Operator CRD, not part of the Kubernetes API",
        _monitor_schema(port_types=["string"]),
    ),
}


def load_documents(text: str) -> list[dict[str, Any]]:
    """Every non-empty YAML document of a multi-document stream."""
    return [doc for doc in yaml.safe_load_all(text) if doc]


def validate_document(doc: dict[str, Any], kube_version: str) -> tuple[str, str]:
    """Returns (status, message): status is "ok", "crd" (checked against CRD_SCHEMAS) or "error"."""
    kind, api_version = doc.get("kind"), doc.get("apiVersion")
    name = f"{kind}/{(doc.get('metadata') or {}).get('name')}"
    crd = CRD_SCHEMAS.get((api_version, kind))
    if crd:
        reason, schema = crd
        errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(doc), key=lambda e: list(e.path))
        if errors:
            e = errors[0]
            return "error", f"{name}: {'.'.join(map(str, e.path))}: {e.message}"
        return "crd", f"{name}: no Kubernetes schema ({reason}); checked against the chart's CRD subset schema"
    try:
        kubernetes_validate.validate(doc, kube_version, strict=True)
    except kubernetes_validate.ValidationError as e:
        return "error", f"{name}: {'.'.join(map(str, e.path))}: {e.message}"
    except kubernetes_validate.SchemaNotFoundError as e:
        return "error", f"{name}: {e.message} (not a known CRD of this chart either)"
    return "ok", f"{name}: valid against Kubernetes {kube_version} (strict)"


def validate_files(paths: list[str], kube_versions: list[str], quiet: bool = False) -> tuple[int, dict[str, int]]:
    """Returns (failures, counts by status)."""
    failures = 0
    counts = {"ok": 0, "crd": 0, "error": 0}
    for path in paths:
        with open(path, encoding="utf-8") as f:
            docs = load_documents(f.read())
        if not docs:
            print(f"ERROR {path}: no manifests")
            failures += 1
            continue
        for version in kube_versions:
            for doc in docs:
                status, message = validate_document(doc, version)
                counts[status] += 1
                if status == "error":
                    failures += 1
                    print(f"ERROR {path}: {message}")
                elif not quiet or status == "crd":
                    print(f"{'OK  ' if status == 'ok' else 'CRD '} {path}: {message}")
    return failures, counts


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kube-version", action="append", required=True, help="repeatable")
    parser.add_argument("--quiet", action="store_true", help="print only failures and CRD notes")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args(argv)
    failures, counts = validate_files(args.files, args.kube_version, args.quiet)
    print(f"kubernetes-validate {kubernetes_validate.__version__}, Kubernetes {', '.join(args.kube_version)}: "
          f"{len(args.files)} file(s), {counts['ok']} document(s) valid (strict), "
          f"{counts['crd']} CRD document(s) checked against the chart's CRD schemas, {counts['error']} error(s)"
          f"{' - FAILED' if failures else ''}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
