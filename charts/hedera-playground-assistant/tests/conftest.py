"""Renders the chart with the real helm binary (.tools/bin/helm, or $HELM) and parses the manifests."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml

CHART = Path(__file__).resolve().parents[1]
ROOT = CHART.parents[1]
HELM = os.environ.get("HELM", str(ROOT / ".tools" / "bin" / "helm"))
# The oldest Kubernetes the chart supports (Chart.yaml kubeVersion); a go-installed helm defaults to 1.20.
KUBE_VERSION = os.environ.get("KUBE_VERSION", "1.30.0")
RELEASE = "hedera-playground-assistant"

SECRET_ENV_NAMES = {"OPENAI_API_KEY", "API_TOKENS", "JWT_SECRET", "ADMIN_TOKEN", "METRICS_TOKEN", "REDIS_PASSWORD"}


class Rendered:
    """Parsed output of one `helm template`, with lookups by kind and name."""

    def __init__(self, text: str):
        self.text = text
        self.docs: list[dict[str, Any]] = [d for d in yaml.safe_load_all(text) if d]

    def all(self, kind: str) -> list[dict[str, Any]]:
        return [d for d in self.docs if d["kind"] == kind]

    def one(self, kind: str, name: str | None = None) -> dict[str, Any]:
        found = [d for d in self.all(kind) if name is None or d["metadata"]["name"] == name]
        assert len(found) == 1, f"expected one {kind} {name or ''}, got {[d['metadata']['name'] for d in found]}"
        return found[0]

    def kinds(self) -> set[str]:
        return {d["kind"] for d in self.docs}

    @property
    def deployment(self) -> dict[str, Any]:
        return self.one("Deployment")

    @property
    def pod(self) -> dict[str, Any]:
        return self.deployment["spec"]["template"]["spec"]

    @property
    def container(self) -> dict[str, Any]:
        containers = self.pod["containers"]
        assert len(containers) == 1
        return containers[0]

    @property
    def config(self) -> dict[str, str]:
        return self.one("ConfigMap")["data"]

    def env_refs(self) -> dict[str, dict[str, Any]]:
        return {e["name"]: e for e in self.container.get("env", [])}


def _helm(args: list[str], values: dict[str, Any] | None, files: list[str]) -> subprocess.CompletedProcess[str]:
    assert os.access(HELM, os.X_OK), f"helm not found at {HELM}: run bash scripts/tools/helm.sh"
    cmd = [HELM, *args, "--kube-version", KUBE_VERSION]
    for f in files:
        cmd += ["-f", str(CHART / f)]
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as tmp:
        yaml.safe_dump(values or {}, tmp)
    try:
        cmd += ["-f", tmp.name]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    finally:
        os.unlink(tmp.name)


def render(values: dict[str, Any] | None = None, files: tuple[str, ...] = (), release: str = RELEASE) -> Rendered:
    """helm template with these values (and values files relative to the chart); fails the test on error."""
    result = _helm(["template", release, str(CHART), "--namespace", "playground"], values, list(files))
    assert result.returncode == 0, f"helm template failed:\n{result.stderr}"
    return Rendered(result.stdout)


def render_error(values: dict[str, Any], files: tuple[str, ...] = ()) -> str:
    """helm template that must fail; returns its error output."""
    result = _helm(["template", RELEASE, str(CHART)], values, list(files))
    assert result.returncode != 0, f"helm template accepted bad values {values}:\n{result.stdout[:2000]}"
    return result.stderr


@pytest.fixture(scope="session")
def defaults() -> Rendered:
    return render()


@pytest.fixture(scope="session")
def gke() -> Rendered:
    return render(files=("ci/gke-values.yaml",))
