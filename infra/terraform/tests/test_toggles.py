"""enable_* variables really add or remove the resources they name."""
from hcl import TF_ROOT, named_blocks, resources

ROOT_VARS = named_blocks(TF_ROOT, "variable")
ROOT_MODULES = named_blocks(TF_ROOT, "module")


def test_toggle_defaults():
    assert ROOT_VARS["enable_cloud_run"]["default"] is True
    assert ROOT_VARS["enable_gke"]["default"] is False
    assert ROOT_VARS["enable_redis"]["default"] is False


def test_runtimes_are_counted_on_their_toggle():
    assert ROOT_MODULES["cloud_run"]["count"] == "${var.enable_cloud_run ? 1 : 0}"
    assert ROOT_MODULES["gke"]["count"] == "${var.enable_gke ? 1 : 0}"


def test_redis_resources_follow_enable_redis():
    redis = resources(TF_ROOT, "google_redis_instance")[("google_redis_instance", "this")]
    assert redis["count"] == "${var.enable_redis ? 1 : 0}"
    assert ROOT_MODULES["redis_password"]["count"] == "${local.redis_auth ? 1 : 0}"
    assert ROOT_MODULES["redis_ca"]["count"] == "${local.redis_tls ? 1 : 0}"


def test_no_cluster_or_service_outside_the_counted_modules():
    """The cluster and the service exist only inside the modules that the toggles count."""
    for typ in ("google_container_cluster", "google_cloud_run_v2_service", "helm_release"):
        assert not resources(TF_ROOT, typ), f"{typ} in the root would ignore the enable_* toggles"


def test_outputs_tolerate_a_disabled_runtime():
    outputs = named_blocks(TF_ROOT, "output")
    assert outputs["cloud_run_url"]["value"] == "${try(module.cloud_run[0].url, null)}"
    assert outputs["load_balancer_ip"]["value"] == "${try(module.gke[0].load_balancer_ip, null)}"


def test_cloud_run_reaches_redis_by_direct_vpc_egress_only_when_enabled():
    module = ROOT_MODULES["cloud_run"]
    assert module["vpc_egress"].startswith("${var.enable_redis ? {")
    assert 'egress = "PRIVATE_RANGES_ONLY"' in module["vpc_egress"]
    assert module["vpc_egress"].endswith(": null}")


def test_trace_writer_role_follows_enable_tracing():
    assert ROOT_VARS["enable_tracing"]["default"] is False
    binding = resources(TF_ROOT, "google_project_iam_member")[("google_project_iam_member", "trace_agent")]
    assert binding["role"] == "roles/cloudtrace.agent"
    assert binding["for_each"] == "${var.enable_tracing ? local.runtime_members : {}}"
