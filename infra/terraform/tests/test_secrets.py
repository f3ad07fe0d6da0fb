"""Secrets reach the runtimes by reference, and each runtime may read only its own secrets."""
import re

from hcl import ALL_DIRS, MODULES, TF_ROOT, dynamic_blocks, load_dir, named_blocks, resources

CLOUD_RUN = TF_ROOT / "modules" / "cloud-run"
GKE = TF_ROOT / "modules" / "gke"
SECRET_SETTINGS = {"OPENAI_API_KEY", "API_TOKENS", "JWT_SECRET", "ADMIN_TOKEN", "METRICS_TOKEN", "REDIS_PASSWORD"}


def _container(path=CLOUD_RUN):
    service = resources(path, "google_cloud_run_v2_service")[("google_cloud_run_v2_service", "this")]
    return service["template"][0]["containers"][0]


def test_cloud_run_reads_secrets_through_secret_key_ref():
    secret_envs = [d for d in dynamic_blocks(_container(), "env") if "value_source" in d["content"][0]]
    assert len(secret_envs) == 1
    env = secret_envs[0]
    assert env["for_each"] == "${var.secret_env}"
    ref = env["content"][0]["value_source"][0]["secret_key_ref"][0]
    assert ref == {"secret": "${env.value}", "version": "latest"}
    assert "value" not in env["content"][0], "a secret env var must not also carry a plain value"


def test_cloud_run_plain_env_refuses_secret_names():
    plain = [d for d in dynamic_blocks(_container(), "env") if "value" in d["content"][0]]
    assert len(plain) == 1 and "var.env" in plain[0]["for_each"]
    assert not _container().get("env"), "no static env blocks: every value goes through the two maps"
    validation = named_blocks(CLOUD_RUN, "variable")["env"]["validation"][0]["condition"]
    for name in SECRET_SETTINGS:
        assert name in validation, f"env validation lets {name} through as a plain value"


def test_root_passes_openai_key_as_secret_never_as_value():
    module = named_blocks(TF_ROOT, "module")["cloud_run"]
    assert module["secret_env"] == "${local.cloud_run_secret_env}"
    local_blocks = {k: v for block in load_dir(TF_ROOT)["locals"] for k, v in block.items()}
    assert "OPENAI_API_KEY = module.openai_api_key.secret_id" in local_blocks["secret_env"]
    assert "local.secret_env" in local_blocks["cloud_run_secret_env"]
    for key in ("settings_env", "cloud_run_env"):
        assert "OPENAI_API_KEY" not in str(local_blocks[key])


def test_secret_value_is_not_written_by_default():
    secret = named_blocks(TF_ROOT / "modules" / "secret", "variable")
    assert secret["create_version"]["default"] is False
    assert secret["secret_data"]["sensitive"] is True
    version = resources(TF_ROOT / "modules" / "secret")[("google_secret_manager_secret_version", "this")]
    assert version["count"] == "${var.create_version ? 1 : 0}"
    root = named_blocks(TF_ROOT, "variable")
    assert root["openai_api_key"]["default"] is None and root["openai_api_key"]["sensitive"] is True
    assert root["generate_admin_token"]["default"] is False


def test_no_project_level_secret_access_anywhere():
    for path in ALL_DIRS:
        for (typ, name), body in resources(path).items():
            if typ.startswith("google_project_iam"):
                assert "secretmanager" not in str(body.get("role", "")), f"{path}: {typ}.{name} grants secrets project-wide"


def test_secret_access_is_granted_per_secret_to_the_runtime_account():
    expected = {"cloud-run": "google_service_account.runtime.member", "gke": "google_service_account.workload.member"}
    for path in MODULES:
        grants = resources(path, "google_secret_manager_secret_iam_member")
        if path.name not in expected:
            assert not grants
            continue
        assert len(grants) == 1, path
        body = next(iter(grants.values()))
        assert body["role"] == "roles/secretmanager.secretAccessor"
        assert body["secret_id"] == "${each.value}"
        assert body["member"] == "${" + expected[path.name] + "}"
        assert "for_each" in body


def test_gke_reads_secrets_through_workload_identity_not_kubernetes_secrets():
    for path in ALL_DIRS:
        assert not resources(path, "kubernetes_secret") and not resources(path, "kubernetes_secret_v1")
    binding = resources(GKE, "google_service_account_iam_member")[("google_service_account_iam_member", "workload_identity")]
    assert binding["role"] == "roles/iam.workloadIdentityUser"
    assert binding["member"] == "${local.wi_member}"
    local_blocks = {k: v for block in load_dir(GKE)["locals"] for k, v in block.items()}
    assert re.fullmatch(r"serviceAccount:\$\{var\.project_id\}\.svc\.id\.goog\[\$\{var\.namespace\}/\$\{local\.ksa_name\}\]", local_blocks["wi_member"])
    assert local_blocks["ksa_name"] == "hedera-playground-assistant"
    assert local_blocks["secret_versions"].endswith('"projects/${var.project_id}/secrets/${secret}/versions/latest"}}')
