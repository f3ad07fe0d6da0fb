"""ci/gke-values.yaml: the exact values shape Terraform passes on GKE Autopilot."""

from conftest import RELEASE


def test_service_account_carries_the_workload_identity_annotation(gke):
    sa = gke.one("ServiceAccount", "hedera-playground-assistant")
    assert sa["metadata"]["annotations"]["iam.gke.io/gcp-service-account"] == \
        "playground-assistant@hedera-playground-prod.iam.gserviceaccount.com"
    assert gke.pod["serviceAccountName"] == "hedera-playground-assistant"
    assert gke.pod["automountServiceAccountToken"] is False


def test_values_map_to_the_server_env_contract(gke):
    config = gke.config
    assert config["OPENAI_API_KEY_SECRET"] == "projects/hedera-playground-prod/secrets/OPENAI_API_KEY/versions/latest"
    assert config["OPENAI_MODEL"] == "gpt-4o"
    assert config["AUTH_MODE"] == "none"
    assert config["ADMIN_TOKEN_SECRET"] == "projects/hedera-playground-prod/secrets/ADMIN_TOKEN/versions/latest"
    assert config["REDIS_URL"] == "redis://10.20.0.3:6379"
    assert config["NODE_OPTIONS"] == "--max-old-space-size=384"
    envfrom = gke.container["envFrom"]
    assert envfrom == [{"configMapRef": {"name": RELEASE}}]


def test_secret_manager_versions_need_no_kubernetes_secret(gke):
    assert "Secret" not in gke.kinds()
    assert "env" not in gke.container  # nothing to read from a Kubernetes Secret


def test_image_and_service_come_from_the_values(gke):
    assert gke.container["image"] == \
        "registry.example.com/hedera-playground-prod/containers/hedera-playground-assistant:1.0.0"
    svc = gke.one("Service", "hedera-playground-assistant")
    assert svc["spec"]["type"] == "LoadBalancer" and svc["spec"]["ports"][0]["port"] == 80
