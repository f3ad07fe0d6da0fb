"""Service, service account, HPA, PDB and resource names."""

from conftest import RELEASE, render


def test_service_is_a_load_balancer_named_after_the_release_80_to_http(defaults):
    svc = defaults.one("Service", RELEASE)
    assert svc["spec"]["type"] == "LoadBalancer"
    (port,) = svc["spec"]["ports"]
    assert port == {"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}
    http = next(p for p in defaults.container["ports"] if p["name"] == "http")
    assert http["containerPort"] == 3001
    assert svc["spec"]["selector"] == defaults.deployment["spec"]["selector"]["matchLabels"]


def test_load_balancer_keeps_the_client_ip_for_rate_limits(defaults):
    assert defaults.one("Service", RELEASE)["spec"]["externalTrafficPolicy"] == "Local"
    assert defaults.config["TRUSTED_PROXY_HOPS"] == "0"


def test_metrics_are_never_on_the_public_service(defaults):
    public = defaults.one("Service", RELEASE)
    assert [p["name"] for p in public["spec"]["ports"]] == ["http"]
    metrics = defaults.one("Service", f"{RELEASE}-metrics")
    assert metrics["spec"]["type"] == "ClusterIP"
    assert metrics["spec"]["ports"][0]["targetPort"] == "metrics"


def test_names_follow_the_release_and_full_name_override():
    other = render(release="playground")
    assert other.one("Service", "playground-hedera-playground-assistant")
    override = render({"fullnameOverride": "assistant"}, release="playground")
    assert override.one("Service", "assistant")["spec"]["type"] == "LoadBalancer"
    assert override.deployment["metadata"]["name"] == "assistant"


def test_hpa_scales_the_deployment_which_then_has_no_replica_count(defaults):
    hpa = defaults.one("HorizontalPodAutoscaler")
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": RELEASE}
    assert hpa["spec"]["minReplicas"] == 2 and hpa["spec"]["maxReplicas"] == 10
    assert "replicas" not in defaults.deployment["spec"]


def test_hpa_off_gives_a_fixed_replica_count():
    fixed = render({"autoscaling": {"enabled": False}, "replicaCount": 3})
    assert "HorizontalPodAutoscaler" not in fixed.kinds()
    assert fixed.deployment["spec"]["replicas"] == 3


def test_pdb_allows_one_pod_down_and_selects_the_pods(defaults):
    pdb = defaults.one("PodDisruptionBudget")
    assert pdb["spec"]["maxUnavailable"] == 1
    assert "minAvailable" not in pdb["spec"]
    assert pdb["spec"]["selector"]["matchLabels"] == defaults.deployment["spec"]["selector"]["matchLabels"]
    min_available = render({"pdb": {"minAvailable": "50%", "maxUnavailable": ""}}).one("PodDisruptionBudget")
    assert min_available["spec"] == {"minAvailable": "50%", "selector": pdb["spec"]["selector"]}


def test_optional_parts_are_off_by_default(defaults):
    # The one Secret of a default render is the generated admin token (admin.generate, test_admin_token.py):
    # no user-provided secret value is rendered.
    assert defaults.kinds() == {"ConfigMap", "Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget",
                                "Pod", "Secret", "Service", "ServiceAccount"}
    assert [s["metadata"]["name"] for s in defaults.all("Secret")] == [f"{RELEASE}-admin"]
