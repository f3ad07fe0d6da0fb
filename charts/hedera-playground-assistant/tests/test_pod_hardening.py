"""The Deployment's pods with default values: probes, security, shutdown, spread, resources."""

import pytest

READINESS = "/api/playground/assistant/health"  # 503 while draining
LIVENESS = "/health"  # 200 while the process is alive, also while draining or while Redis is away


@pytest.mark.parametrize("probe, path", [("startupProbe", LIVENESS), ("readinessProbe", READINESS), ("livenessProbe", LIVENESS)])
def test_readiness_and_liveness_probes_use_their_own_endpoints_on_the_http_port(defaults, probe, path):
    spec = defaults.container[probe]
    assert spec["httpGet"] == {"path": path, "port": "http"}
    assert spec["periodSeconds"] >= 1 and spec["failureThreshold"] >= 1


def test_container_listens_on_3001_named_http_and_metrics_apart(defaults):
    ports = {p["name"]: p["containerPort"] for p in defaults.container["ports"]}
    assert ports == {"http": 3001, "metrics": 9464}
    assert defaults.config["PORT"] == "3001"
    assert defaults.config["METRICS_PORT"] == "9464"


def test_pod_runs_as_the_node_user_with_runtime_default_seccomp(defaults):
    pod_sc = defaults.pod["securityContext"]
    assert pod_sc["runAsNonRoot"] is True
    assert pod_sc["runAsUser"] == 1000
    assert pod_sc["seccompProfile"] == {"type": "RuntimeDefault"}


def test_container_is_read_only_unprivileged_and_drops_all_capabilities(defaults):
    sc = defaults.container["securityContext"]
    assert sc["runAsNonRoot"] is True
    assert sc["runAsUser"] == 1000
    assert sc["readOnlyRootFilesystem"] is True
    assert sc["allowPrivilegeEscalation"] is False
    assert sc["privileged"] is False
    assert sc["capabilities"]["drop"] == ["ALL"]
    assert "add" not in sc["capabilities"]
    assert sc["seccompProfile"] == {"type": "RuntimeDefault"}


def test_tmp_is_a_size_limited_empty_dir_since_root_is_read_only(defaults):
    mounts = {m["mountPath"]: m["name"] for m in defaults.container["volumeMounts"]}
    assert mounts == {"/tmp": "tmp"}
    (volume,) = defaults.pod["volumes"]
    assert volume["name"] == "tmp" and volume["emptyDir"]["sizeLimit"] == "64Mi"


def test_no_service_account_token_is_mounted(defaults):
    assert defaults.pod["automountServiceAccountToken"] is False
    assert defaults.one("ServiceAccount")["automountServiceAccountToken"] is False


def test_prestop_pause_lets_the_load_balancer_drain_first(defaults):
    pre_stop = defaults.container["lifecycle"]["preStop"]
    assert pre_stop == {"sleep": {"seconds": 5}}


def test_grace_period_exceeds_prestop_plus_server_shutdown_grace(defaults):
    shutdown_ms = int(defaults.config["SHUTDOWN_GRACE_MS"])
    assert shutdown_ms == 8000
    pre_stop = defaults.container["lifecycle"]["preStop"]["sleep"]["seconds"]
    grace = defaults.pod["terminationGracePeriodSeconds"]
    assert grace == 30
    assert grace > pre_stop + shutdown_ms / 1000 + 1


def test_pods_spread_across_zones_and_hosts(defaults):
    constraints = {c["topologyKey"]: c for c in defaults.pod["topologySpreadConstraints"]}
    assert set(constraints) == {"topology.kubernetes.io/zone", "kubernetes.io/hostname"}
    selector = defaults.deployment["spec"]["selector"]["matchLabels"]
    for c in constraints.values():
        assert c["maxSkew"] == 1
        assert c["labelSelector"]["matchLabels"] == selector


def test_requests_and_limits_are_set_for_autopilot(defaults):
    resources = defaults.container["resources"]
    assert {"cpu", "memory"} <= set(resources["requests"])
    assert {"cpu", "memory"} <= set(resources["limits"])


def test_checksum_annotations_roll_pods_when_config_changes(defaults):
    from conftest import render

    annotations = defaults.deployment["spec"]["template"]["metadata"]["annotations"]
    assert {"checksum/config", "checksum/secret"} <= set(annotations)
    changed = render({"logLevel": "debug"})
    new = changed.deployment["spec"]["template"]["metadata"]["annotations"]
    assert new["checksum/config"] != annotations["checksum/config"]
    assert new["checksum/secret"] == annotations["checksum/secret"]
    with_key = render({"openai": {"apiKey": "sk-test-0000"}})
    assert with_key.deployment["spec"]["template"]["metadata"]["annotations"]["checksum/secret"] != annotations["checksum/secret"]


def test_image_defaults_to_app_version_and_digest_wins(defaults):
    from conftest import render

    assert defaults.container["image"] == "hedera-playground-assistant:1.0.0"
    digest = "sha256:" + "a" * 64
    pinned = render({"image": {"repository": "r.example.com/x/app", "tag": "9.9.9", "digest": digest}})
    assert pinned.container["image"] == f"r.example.com/x/app@{digest}"
