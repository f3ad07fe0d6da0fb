"""GKE Autopilot installs the project's own chart with the values shape the chart reads."""
import os
import re

import pytest
import yaml

from hcl import REPO_ROOT, TF_ROOT, load_dir, named_blocks, resources

GKE = TF_ROOT / "modules" / "gke"
LOCALS = {k: v for b in load_dir(GKE)["locals"] for k, v in b.items()}
RELEASE = resources(GKE, "helm_release")[("helm_release", "app")]


def test_cluster_is_autopilot():
    cluster = resources(GKE, "google_container_cluster")[("google_container_cluster", "this")]
    assert cluster["enable_autopilot"] is True


def test_helm_release_points_at_the_projects_chart():
    assert RELEASE["chart"] == "${local.chart_path}"
    default = re.fullmatch(r'\$\{coalesce\(var\.chart_path, "\$\{path\.module\}/(.+)"\)\}', LOCALS["chart_path"])
    assert default, LOCALS["chart_path"]
    resolved = os.path.normpath(GKE / default.group(1))
    assert resolved == str(REPO_ROOT / "charts" / "hedera-playground-assistant")


def test_values_are_yamlencoded_chart_values():
    assert RELEASE["values"] == ["${yamlencode(local.chart_values)}"]


VALUES = LOCALS["chart_values"]


def test_values_have_exactly_the_agreed_shape():
    """Keys shared with the chart author (charts/hedera-playground-assistant/values.yaml)."""
    shape = {key: sorted(v) if isinstance(v, dict) else None for key, v in VALUES.items()}
    assert shape == {
        "image": ["repository", "tag"],
        "serviceAccount": ["annotations", "create", "name"],
        "openai": ["apiKeySecretVersion", "model"],
        "llm": ["provider"],
        "vertex": ["location", "model", "project"],
        "byok": ["kmsKeyName", "models"],
        "service": ["port", "type"],
        "auth": ["gatewayHeader", "jwt", "mode", "tokensSecretVersion"],
        "admin": ["tokenSecretVersion"],
        "redis": ["passwordSecretVersion", "url"],
        "rateLimits": ["chatsPerMinute", "concurrentAnswers", "connectionsPerMinute", "dailyTokenLimit", "socketsPerUser", "tokenBudgetPeriod"],
        "logLevel": None,
        "corsOrigins": None,
        "trustedProxyHops": None,
        "env": None,
    }


def test_values_keys_exist_in_the_chart():
    """Every key passed is one the chart declares (its values.yaml), when the chart is present."""
    values_file = REPO_ROOT / "charts" / "hedera-playground-assistant" / "values.yaml"
    if not values_file.is_file():
        pytest.skip("chart not in this checkout")
    chart = yaml.safe_load(values_file.read_text())
    for key, sub in VALUES.items():
        assert key in chart, key
        if isinstance(sub, dict) and key != "env":
            for child in sub:
                assert child in chart[key], f"{key}.{child}"


def test_values_carry_the_workload_identity_annotation():
    sa = VALUES["serviceAccount"]
    assert sa["create"] is True and sa["name"] == "${local.ksa_name}"
    assert sa["annotations"] == {"iam.gke.io/gcp-service-account": "${google_service_account.workload.email}"}


def test_openai_key_is_a_secret_version_path_not_a_value():
    # Empty only with llm_provider = "vertex", which reads no key (the release's precondition says so).
    assert VALUES["openai"]["apiKeySecretVersion"] == '${lookup(local.secret_versions, "OPENAI_API_KEY", "")}'
    assert VALUES["image"] == {"repository": "${var.image_repository}", "tag": "${var.image_tag}"}
    assert VALUES["redis"]["url"] == "${var.redis_url}"
    assert VALUES["redis"]["passwordSecretVersion"] == '${lookup(local.secret_versions, "REDIS_PASSWORD", "")}'
    assert VALUES["auth"]["tokensSecretVersion"] == '${lookup(local.secret_versions, "API_TOKENS", "")}'


def test_service_is_a_load_balancer_on_port_80():
    assert VALUES["service"] == {"type": "LoadBalancer", "port": 80}


def test_load_balancer_ip_is_read_back_after_the_release():
    data = {k: v for b in load_dir(GKE)["data"] for k, v in b.items()}["kubernetes_service_v1"]["app"]
    assert data["depends_on"] == ["${helm_release.app}"]
    assert data["metadata"][0]["name"] == "${local.release_name}"
    assert LOCALS["release_name"] == "hedera-playground-assistant"
    assert "load_balancer[0].ingress[0].ip" in named_blocks(GKE, "output")["load_balancer_ip"]["value"]


def test_root_configures_kubernetes_and_helm_from_the_cluster():
    providers = {k: v for b in load_dir(TF_ROOT)["provider"] for k, v in b.items()}
    kube = providers["kubernetes"]
    helm_kube = providers["helm"]["kubernetes"][0]
    for cfg in (kube, helm_kube):
        assert "module.gke[0].cluster_endpoint" in cfg["host"]
        assert "module.gke[0].cluster_ca_certificate" in cfg["cluster_ca_certificate"]
        assert cfg["token"] == "${data.google_client_config.default.access_token}"
