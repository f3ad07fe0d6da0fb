"""The Cloud Run service matches the server's contract (docs/contract.md)."""
from hcl import TF_ROOT, named_blocks, resources

CLOUD_RUN = TF_ROOT / "modules" / "cloud-run"
VARS = named_blocks(CLOUD_RUN, "variable")
SERVICE = resources(CLOUD_RUN, "google_cloud_run_v2_service")[("google_cloud_run_v2_service", "this")]
TEMPLATE = SERVICE["template"][0]
CONTAINER = TEMPLATE["containers"][0]


def test_port_is_3001():
    assert VARS["container_port"]["default"] == 3001
    assert CONTAINER["ports"][0]["container_port"] == "${var.container_port}"


def test_startup_and_liveness_probes_use_the_health_path():
    assert VARS["health_path"]["default"] == "/health"
    for probe in ("startup_probe", "liveness_probe"):
        http = CONTAINER[probe][0]["http_get"][0]
        assert http == {"path": "${var.health_path}", "port": "${var.container_port}"}, probe


def test_timeout_defaults_to_the_3600s_maximum_for_websockets():
    assert TEMPLATE["timeout"] == "${var.timeout_seconds}s"
    assert VARS["timeout_seconds"]["default"] == 3600
    assert "timeout_seconds = optional(number, 3600)" in named_blocks(TF_ROOT, "variable")["cloud_run"]["type"]
    assert named_blocks(TF_ROOT, "module")["cloud_run"]["timeout_seconds"] == "${var.cloud_run.timeout_seconds}"


def test_websocket_friendly_settings():
    assert TEMPLATE["session_affinity"] == "${var.session_affinity}"
    assert VARS["session_affinity"]["default"] is True
    assert CONTAINER["resources"][0]["startup_cpu_boost"] == "${var.resources.startup_cpu_boost}"
    assert TEMPLATE["max_instance_request_concurrency"] == "${var.max_concurrency}"
    assert TEMPLATE["scaling"][0]["max_instance_count"] == "${var.scaling.max_instance_count}"


def test_public_invoker_is_a_variable_defaulting_to_public():
    invoker = resources(CLOUD_RUN, "google_cloud_run_v2_service_iam_member")[("google_cloud_run_v2_service_iam_member", "public")]
    assert invoker["count"] == "${var.public ? 1 : 0}"
    assert invoker["role"] == "roles/run.invoker" and invoker["member"] == "allUsers"
    assert VARS["public"]["default"] is True


def test_service_runs_as_its_own_account_and_waits_for_secret_grants():
    assert TEMPLATE["service_account"] == "${google_service_account.runtime.email}"
    assert SERVICE["depends_on"] == ["${google_secret_manager_secret_iam_member.runtime}"]


def test_trusted_proxy_hops_default_is_one_on_cloud_run():
    locals_ = {k: v for b in __import__("hcl").load_dir(TF_ROOT)["locals"] for k, v in b.items()}
    assert "TRUSTED_PROXY_HOPS = tostring(coalesce(var.trusted_proxy_hops, 1))" in locals_["cloud_run_env"]


def test_release_workflow_owns_the_image_and_client_fields():
    # release.yml deploys new images; without this the next apply would roll them back to var.image.
    ignored = [name.removeprefix("${").removesuffix("}") for name in SERVICE["lifecycle"][0]["ignore_changes"]]
    assert sorted(ignored) == ["client", "client_version", "template[0].containers[0].image"]


def test_cpu_stays_allocated_by_default_so_abandoned_answers_keep_streaming():
    assert VARS["resources"]["type"].count("cpu_idle") == 1
    assert "optional(bool, false)" in VARS["resources"]["type"].split("cpu_idle")[1].split("\n")[0]
    root_vars = named_blocks(TF_ROOT, "variable")
    assert "cpu_idle = optional(bool, false)" in root_vars["cloud_run"]["type"]
