"""/api/stats is never left open by default: with no admin token source, admin.generate (default true) makes
the chart create Secret <fullname>-admin with a random ADMIN_TOKEN, read by the pods through secretKeyRef,
stable across upgrades (lookup), kept on uninstall, and outside the pod template's checksums."""

import base64
import re
import shutil
import subprocess

import pytest
import yaml

from conftest import CHART, HELM, KUBE_VERSION, RELEASE, Rendered, render

ADMIN_SECRET = f"{RELEASE}-admin"


def generated_token(rendered):
    secret = rendered.one("Secret", ADMIN_SECRET)
    return base64.b64decode(secret["data"]["ADMIN_TOKEN"]).decode()


def test_default_render_generates_the_admin_token_secret(defaults):
    secret = defaults.one("Secret", ADMIN_SECRET)
    assert secret["type"] == "Opaque"
    assert secret["metadata"]["namespace"] == "playground"
    assert secret["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"
    assert set(secret["data"]) == {"ADMIN_TOKEN"}
    assert re.fullmatch(r"[A-Za-z0-9]{32}", generated_token(defaults))


def test_default_render_reads_the_generated_token_by_secret_key_ref(defaults):
    entry = defaults.env_refs()["ADMIN_TOKEN"]
    assert entry == {"name": "ADMIN_TOKEN",
                     "valueFrom": {"secretKeyRef": {"name": ADMIN_SECRET, "key": "ADMIN_TOKEN"}}}
    assert "ADMIN_TOKEN_SECRET" not in defaults.config
    # the raw token appears nowhere in the manifests, only base64 in the Secret
    assert generated_token(defaults) not in defaults.text


def test_generated_secret_name_follows_the_full_name():
    assert render(release="demo").one("Secret", "demo-hedera-playground-assistant-admin")
    long_name = "x" * 63
    rendered = render({"fullnameOverride": long_name})
    (secret,) = rendered.all("Secret")
    name = secret["metadata"]["name"]
    assert len(name) <= 63 and name.endswith("-admin")
    assert rendered.env_refs()["ADMIN_TOKEN"]["valueFrom"]["secretKeyRef"]["name"] == name


def test_random_token_does_not_change_the_pod_template():
    first, second = render(), render()
    # helm template has no cluster to look the live Secret up in, so each render draws a new token ...
    assert generated_token(first) != generated_token(second)
    # ... and nothing the pods roll on depends on it: same checksums, same Deployment.
    annotations = first.deployment["spec"]["template"]["metadata"]["annotations"]
    assert annotations == second.deployment["spec"]["template"]["metadata"]["annotations"]
    assert first.deployment == second.deployment


def test_secret_manager_version_replaces_the_generated_token():
    version = "projects/p/secrets/ADMIN_TOKEN/versions/latest"
    rendered = render({"admin": {"tokenSecretVersion": version}})
    assert "Secret" not in rendered.kinds()
    assert rendered.config["ADMIN_TOKEN_SECRET"] == version
    assert "ADMIN_TOKEN" not in rendered.env_refs()


def test_existing_secret_replaces_the_generated_token():
    rendered = render({"admin": {"existingSecret": "ops-admin", "existingSecretKey": "token"}})
    assert "Secret" not in rendered.kinds()
    assert rendered.env_refs()["ADMIN_TOKEN"]["valueFrom"] == {"secretKeyRef": {"name": "ops-admin", "key": "token"}}
    assert "ADMIN_TOKEN_SECRET" not in rendered.config


def test_generate_false_keeps_stats_open_as_before():
    rendered = render({"admin": {"generate": False}})
    assert "Secret" not in rendered.kinds()
    assert "ADMIN_TOKEN" not in rendered.env_refs()
    assert "ADMIN_TOKEN_SECRET" not in rendered.config


def test_gke_values_render_no_generated_secret(gke):
    assert ADMIN_SECRET not in [s["metadata"]["name"] for s in gke.all("Secret")]
    assert "ADMIN_TOKEN" not in gke.env_refs()
    assert gke.config["ADMIN_TOKEN_SECRET"].startswith("projects/")


def test_full_values_use_the_existing_admin_secret():
    rendered = render(files=("ci/full-values.yaml",))
    assert "Secret" not in rendered.kinds()
    assert rendered.env_refs()["ADMIN_TOKEN"]["valueFrom"]["secretKeyRef"]["name"] == "assistant-admin"


@pytest.fixture(scope="module")
def chart_with_live_secret(tmp_path_factory):
    """A copy of the chart whose lookup "finds" a live Secret, as `helm upgrade` does against a cluster."""
    copy = tmp_path_factory.mktemp("chart") / "hedera-playground-assistant"
    shutil.copytree(CHART, copy, ignore=shutil.ignore_patterns("tests", "__pycache__"))
    template = copy / "templates" / "admin-secret.yaml"
    text = template.read_text()
    call = 'lookup "v1" "Secret" .Release.Namespace $name'
    assert text.count(call) == 1, "admin-secret.yaml no longer looks the live Secret up"
    live = base64.b64encode(b"LiveToken0123456789abcdefABCDEF9").decode()
    template.write_text(text.replace(call, f'dict "data" (dict "ADMIN_TOKEN" "{live}")'))
    return copy, live


def test_upgrade_reuses_the_live_token(chart_with_live_secret):
    chart, live = chart_with_live_secret
    for _ in range(2):
        result = subprocess.run([HELM, "template", RELEASE, str(chart), "--namespace", "playground",
                                 "--kube-version", KUBE_VERSION], capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        secret = Rendered(result.stdout).one("Secret", ADMIN_SECRET)
        assert secret["data"]["ADMIN_TOKEN"] == live
