"""A plain `terraform apply` is a public service: its defaults must not make it an open relay for the OpenAI key."""
from hcl import TF_ROOT, load_dir, named_blocks, resources


def _locals():
    return {k: v for block in load_dir(TF_ROOT)["locals"] for k, v in block.items()}


def test_per_client_limits_are_on_by_default():
    variables = named_blocks(TF_ROOT, "variable")
    limits = variables["rate_limits"]["type"]
    for name, value in {"connections_per_minute": 30, "chats_per_minute": 10, "concurrent_answers": 2, "sockets_per_user": 4}.items():
        assert f"{name} = optional(number, {value})" in limits.replace('"', ""), f"rate_limits.{name} has no playground default"
    assert variables["daily_token_limit"]["default"] == 200000


def test_limits_reach_both_runtimes():
    settings = _locals()["settings_env"]
    for env in ("RATE_LIMIT_CONNECTIONS_PER_MINUTE", "RATE_LIMIT_CHATS_PER_MINUTE", "RATE_LIMIT_CONCURRENT_ANSWERS", "RATE_LIMIT_SOCKETS_PER_USER", "DAILY_TOKEN_LIMIT"):
        assert env in settings
    gke = named_blocks(TF_ROOT, "module")["gke"]
    assert "var.rate_limits" in gke["rate_limits"] and "var.daily_token_limit" in gke["rate_limits"]


def test_metrics_on_cloud_run_need_a_generated_token_by_default():
    variables = named_blocks(TF_ROOT, "variable")
    assert variables["generate_metrics_token"]["default"] is True
    password = resources(TF_ROOT)[("random_password", "metrics_token")]
    assert password["length"] >= 32 and password["special"] is False
    secret = named_blocks(TF_ROOT, "module")["metrics_token"]
    assert secret["create_version"] is True
    assert secret["secret_data"] == "${random_password.metrics_token[0].result}"
    # Given to Cloud Run only by reference (secret_key_ref), never as a plain value.
    assert "METRICS_TOKEN = module.metrics_token[0].secret_id" in _locals()["cloud_run_secret_env"]
    assert "METRICS_TOKEN" not in str(_locals()["cloud_run_env"])


def test_trusted_proxy_hops_fit_each_target():
    assert "TRUSTED_PROXY_HOPS = tostring(coalesce(var.trusted_proxy_hops, 1))" in _locals()["cloud_run_env"]
    gke = named_blocks(TF_ROOT, "module")["gke"]
    assert gke["trusted_proxy_hops"] == "${coalesce(var.trusted_proxy_hops, 0)}"
