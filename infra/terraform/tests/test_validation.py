"""Variable validation, evaluated by the real Terraform CLI.

Each case copies one variables.tf into a scratch root with no resources and no providers, so
`terraform plan` evaluates the validation blocks offline and without credentials.
"""
import shutil

import pytest

from hcl import TF_ROOT
from terraform_cli import init, plan


def _scratch(tmp_path_factory, module_dir):
    work = tmp_path_factory.mktemp(module_dir.name or "root")
    shutil.copy(module_dir / "variables.tf", work / "variables.tf")
    return init(work)


@pytest.fixture(scope="module")
def cloud_run(tmp_path_factory):
    return _scratch(tmp_path_factory, TF_ROOT / "modules" / "cloud-run")


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return _scratch(tmp_path_factory, TF_ROOT)


@pytest.fixture(scope="module")
def gke(tmp_path_factory):
    return _scratch(tmp_path_factory, TF_ROOT / "modules" / "gke")


CLOUD_RUN_BASE = {"project_id": "my-project", "region": "europe-west1", "image": "img:1"}


@pytest.mark.parametrize("extra", [
    {},
    {"timeout_seconds": "3600"},
    {"scaling": "{min_instance_count = 1, max_instance_count = 1}"},
    {"env": '{LOG_LEVEL = "debug"}', "secret_env": '{OPENAI_API_KEY = "OPENAI_API_KEY"}'},
    {"vpc_egress": '{network = "n", subnetwork = "s"}'},
])
def test_cloud_run_accepts(cloud_run, extra):
    result = plan(cloud_run, {**CLOUD_RUN_BASE, **extra})
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("extra, message", [
    ({"timeout_seconds": "3601"}, "timeout_seconds must be"),
    ({"timeout_seconds": "0"}, "timeout_seconds must be"),
    ({"env": '{OPENAI_API_KEY = "sk-leaked"}'}, "env must not set secrets"),
    ({"env": '{PORT = "8080"}'}, "env must not set secrets"),
    ({"scaling": "{min_instance_count = 5, max_instance_count = 2}"}, "scaling needs"),
    ({"container_port": "70000"}, "container_port must be"),
    ({"auth_mode": "basic"}, "auth_mode must be"),
    ({"health_path": "health"}, "health_path must start"),
    ({"vpc_egress": '{network = "n", subnetwork = "s", egress = "SOME"}'}, "vpc_egress.egress must be"),
    ({"secret_env": '{openai = "OPENAI_API_KEY"}'}, "secret_env keys must be"),
])
def test_cloud_run_refuses(cloud_run, extra, message):
    result = plan(cloud_run, {**CLOUD_RUN_BASE, **extra})
    assert result.returncode != 0
    assert message in " ".join(result.stderr.split()), result.stderr


@pytest.mark.parametrize("extra, ok", [
    ({}, True),
    ({"auth_mode": '"jwt"', "jwt_jwks_url": '"https://issuer.example.com/jwks.json"'}, True),
    ({"rate_limits": "{chats_per_minute = 10}", "daily_token_limit": "0", "trusted_proxy_hops": "1"}, True),
    # auth_mode and env go to both runtime modules unchanged, which validate them (test_cloud_run_refuses).
    ({"auth_mode": '"basic"'}, True),
    ({"jwt_jwks_url": '"http://insecure.example.com/jwks"'}, False),
    ({"rate_limits": "{chats_per_minute = -1}"}, False),
    ({"trusted_proxy_hops": "1.5"}, False),
    ({"env": '{ADMIN_TOKEN = "x"}'}, True),
    # The root passes the cloud_run and gke objects whole; their fields are validated once, in the modules.
    ({"cloud_run": "{timeout_seconds = 3600, scaling = {max_instance_count = 1}}", "gke": '{namespace = "assistant"}'}, True),
    ({"cloud_run": '{timeout_seconds = "soon"}'}, False),
    ({"gke": "{namespace = [1]}"}, False),
    ({"cloud_run_timeout_seconds": "3600"}, False),
    ({"openai_api_key": '"short"'}, False),
    ({"llm_provider": '"vertex"', "vertex": '{location = "us-central1", model = "google/gemini-2.5-pro"}'}, True),
    ({"byok": '{kms = true, models = ["gpt-4o-mini", "gpt-4o"]}'}, True),
    ({"llm_provider": '"gemini"'}, False),
    ({"vertex": '{model = "gemini-2.5-flash"}'}, False),
    ({"vertex": '{location = "US Central"}'}, False),
    ({"byok": '{models = ["gpt-4o-mini"]}'}, False),
    ({"byok": '{kms = true, rotation_period = "3600s"}'}, False),
    ({"byok": '{kms = true, rotation_period = "31536000s"}'}, False),
    ({"byok": '{kms = true, key_ring = "bad/ring"}'}, False),
])
def test_root_variables(root, extra, ok):
    result = plan(root, {"project_id": "my-project", **{k: v.strip('"') for k, v in extra.items()}})
    assert (result.returncode == 0) == ok, result.stderr


def test_root_refuses_project_number(root):
    result = plan(root, {"project_id": "123456789012"})
    assert result.returncode != 0 and "project_id must be a project ID" in " ".join(result.stderr.split())


def test_gke_requires_secret_env_and_a_valid_namespace(gke):
    base = {"project_id": "my-project", "region": "europe-west1", "image_repository": "r/i"}
    assert plan(gke, {**base, "secret_env": '{OPENAI_API_KEY = "OPENAI_API_KEY"}'}).returncode == 0
    assert plan(gke, base).returncode != 0
    bad = plan(gke, {**base, "secret_env": '{OPENAI_API_KEY = "K"}', "namespace": "Bad_NS"})
    assert bad.returncode != 0 and "namespace must be a DNS label" in " ".join(bad.stderr.split())
