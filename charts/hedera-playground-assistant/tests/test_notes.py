"""NOTES.txt: how to get the IP and the curl commands. `helm template` doesn't print NOTES and
`helm install --dry-run` needs a cluster, so a copy of the chart renders NOTES through `tpl` into a ConfigMap."""

import shutil
import subprocess

import pytest
import yaml

from conftest import CHART, HELM, KUBE_VERSION, RELEASE

PROBE = """apiVersion: v1
kind: ConfigMap
metadata:
  name: notes-probe
data:
  notes: {{ tpl (.Files.Get "notes-under-test.txt") . | toJson }}
"""


@pytest.fixture(scope="module")
def notes_chart(tmp_path_factory):
    copy = tmp_path_factory.mktemp("chart") / "hedera-playground-assistant"
    shutil.copytree(CHART, copy, ignore=shutil.ignore_patterns("tests", "__pycache__"))
    shutil.move(copy / "templates" / "NOTES.txt", copy / "notes-under-test.txt")
    (copy / "templates" / "notes-probe.yaml").write_text(PROBE)
    return copy


def notes(chart, *args):
    result = subprocess.run([HELM, "template", RELEASE, str(chart), "--namespace", "playground",
                             "--kube-version", KUBE_VERSION, "--show-only", "templates/notes-probe.yaml", *args],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)["data"]["notes"]


def test_notes_show_the_load_balancer_ip_and_the_curl_commands(notes_chart):
    text = notes(notes_chart)
    assert ("kubectl --namespace playground get service hedera-playground-assistant "
            "-o jsonpath='{.status.loadBalancer.ingress[0].ip}'") in text
    assert "curl http://$IP/api/playground/assistant/health" in text
    assert ("curl -N -X POST -H 'content-type: application/json' \\\n"
            "    -d '{\"content\":\"How do I mint a token?\"}' http://$IP/api/playground/assistant/chat") in text
    assert "helm test --namespace playground hedera-playground-assistant" in text
    assert "WARNING: no OpenAI key is configured" in text


def test_notes_follow_ingress_auth_and_key_choices(notes_chart):
    text = notes(notes_chart, "--set", "ingress.enabled=true", "--set", "auth.mode=token",
                 "--set", "auth.tokens.existingSecret=t", "--set", "openai.apiKey=sk-x")
    assert "get ingress hedera-playground-assistant" in text
    assert "set trustedProxyHops=1" not in text  # picked by itself behind the Ingress
    zero = notes(notes_chart, "--set", "ingress.enabled=true", "--set", "trustedProxyHops=0")
    assert "set trustedProxyHops=1" in zero
    assert '-H "authorization: Bearer $TOKEN"' in text
    assert "WARNING: openai.apiKey puts the key in the Helm release" in text
    assert "no OpenAI key is configured" not in text


ADMIN_READ = ("kubectl get secret hedera-playground-assistant-admin -n playground "
              "-o jsonpath='{.data.ADMIN_TOKEN}' | base64 -d")
ADMIN_CURL = 'curl -H "Authorization: Bearer $ADMIN_TOKEN" http://$IP/api/stats'


def test_notes_tell_how_to_read_the_generated_admin_token(notes_chart):
    text = notes(notes_chart)
    assert f"export ADMIN_TOKEN=$({ADMIN_READ})" in text
    assert ADMIN_CURL in text
    assert "WARNING: no admin token" not in text


@pytest.mark.parametrize("args", [
    ("--set", "admin.tokenSecretVersion=projects/p/secrets/ADMIN_TOKEN/versions/latest"),
    ("--set", "admin.existingSecret=ops-admin"),
], ids=["secret-manager", "existing-secret"])
def test_notes_have_no_generated_token_steps_with_another_source(notes_chart, args):
    text = notes(notes_chart, *args)
    assert "hedera-playground-assistant-admin" not in text
    assert "WARNING: no admin token" not in text


def test_notes_warn_that_stats_are_open_without_a_token(notes_chart):
    text = notes(notes_chart, "--set", "admin.generate=false")
    assert "WARNING: no admin token" in text
    assert "/api/stats, with per-connection detail, is open" in text
    assert ADMIN_READ not in text
