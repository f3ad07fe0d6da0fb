"""The plan-time preconditions of the runtimes' modules, evaluated by the real Terraform CLI.

Each case copies a module's variables.tf into a scratch root and puts the module's precondition, as
written, on a `terraform_data` resource (Terraform's built-in provider, so nothing is downloaded):
`terraform plan` then evaluates it offline, the way it would before creating the real resource.
"""
import json
import shutil

import pytest

from hcl import TF_ROOT, resources
from terraform_cli import init, plan

JWT_MESSAGE = "needs JWT_ISSUER and JWT_AUDIENCE too"
GKE_JWT_MESSAGE = "needs jwt.issuer and jwt.audience too"


def _preconditions(module, rtype, name):
    body = resources(TF_ROOT / "modules" / module, rtype)[(rtype, name)]
    return body["lifecycle"][0]["precondition"]


def _scratch(tmp_path_factory, module, rtype, name, message):
    matching = [p for p in _preconditions(module, rtype, name) if message in p["error_message"]]
    assert len(matching) == 1, f"no precondition saying {message!r} on {rtype}.{name}"
    condition = matching[0]["condition"]
    assert condition.startswith("${") and condition.endswith("}")
    work = tmp_path_factory.mktemp(module)
    shutil.copy(TF_ROOT / "modules" / module / "variables.tf", work / "variables.tf")
    (work / "main.tf").write_text(
        'resource "terraform_data" "check" {\n  lifecycle {\n    precondition {\n'
        f"      condition     = {condition[2:-1]}\n"
        f"      error_message = {json.dumps(matching[0]['error_message'])}\n"
        "    }\n  }\n}\n"
    )
    return init(work)


CLOUD_RUN_REQUIRED = {"project_id": "p", "region": "us-central1", "image": "img:1", "secret_env": '{OPENAI_API_KEY="OPENAI_API_KEY"}'}


@pytest.fixture(scope="module")
def cloud_run_jwt(tmp_path_factory):
    return _scratch(tmp_path_factory, "cloud-run", "google_cloud_run_v2_service", "this", JWT_MESSAGE)


@pytest.mark.parametrize("env, ok", [
    ('{JWT_JWKS_URL="https://issuer.example.com/jwks"}', False),
    ('{JWT_JWKS_URL="https://issuer.example.com/jwks", JWT_ISSUER="https://issuer.example.com"}', False),
    ('{JWT_JWKS_URL="https://issuer.example.com/jwks", JWT_AUDIENCE="playground"}', False),
    ('{JWT_JWKS_URL="https://issuer.example.com/jwks", JWT_ISSUER="https://issuer.example.com", JWT_AUDIENCE="playground"}', True),
    ("{}", True),  # HS256 with JWT_SECRET: no issuer needed (another precondition asks for the secret)
])
def test_cloud_run_jwt_with_jwks_needs_issuer_and_audience(cloud_run_jwt, env, ok):
    result = plan(cloud_run_jwt, {**CLOUD_RUN_REQUIRED, "auth_mode": "jwt", "env": env})
    assert (result.returncode == 0) is ok, result.stdout + result.stderr
    if not ok:
        assert JWT_MESSAGE in " ".join((result.stdout + result.stderr).split())


def test_cloud_run_other_modes_ignore_the_jwt_settings(cloud_run_jwt):
    result = plan(cloud_run_jwt, {**CLOUD_RUN_REQUIRED, "auth_mode": "none", "env": '{JWT_JWKS_URL="https://issuer.example.com/jwks"}'})
    assert result.returncode == 0, result.stdout + result.stderr


GKE_REQUIRED = {"project_id": "my-project", "region": "europe-west1", "image_repository": "r/i",
                "secret_env": '{OPENAI_API_KEY = "OPENAI_API_KEY"}'}


@pytest.fixture(scope="module")
def gke_jwt(tmp_path_factory):
    return _scratch(tmp_path_factory, "gke", "helm_release", "app", GKE_JWT_MESSAGE)


@pytest.mark.parametrize("jwt, ok", [
    ('{jwks_url = "https://issuer.example.com/jwks"}', False),
    ('{jwks_url = "https://issuer.example.com/jwks", issuer = "https://issuer.example.com"}', False),
    ('{jwks_url = "https://issuer.example.com/jwks", issuer = "https://issuer.example.com", audience = "playground"}', True),
])
def test_gke_jwt_with_jwks_needs_issuer_and_audience(gke_jwt, jwt, ok):
    result = plan(gke_jwt, {**GKE_REQUIRED, "auth_mode": "jwt", "jwt": jwt})
    assert (result.returncode == 0) is ok, result.stdout + result.stderr
    if not ok:
        assert GKE_JWT_MESSAGE in " ".join((result.stdout + result.stderr).split())
