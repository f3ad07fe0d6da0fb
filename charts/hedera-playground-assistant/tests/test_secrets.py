"""Secrets reach the pods only through secretKeyRef, and no secret value appears in the manifests."""

import base64

import pytest

from conftest import RELEASE, SECRET_ENV_NAMES, render

SENTINEL = "sk-test-DO-NOT-LEAK-4f2a"


def assert_secrets_only_by_reference(rendered):
    for name, entry in rendered.env_refs().items():
        assert "value" not in entry, f"env {name} has an inline value"
        assert set(entry["valueFrom"]) == {"secretKeyRef"}, f"env {name} is not a secretKeyRef"
    assert not SECRET_ENV_NAMES & set(rendered.config), "a secret setting went into the ConfigMap"


@pytest.mark.parametrize("values", [
    {},
    {"openai": {"existingSecret": "openai"}},
    {"openai": {"apiKey": SENTINEL}},
    {"openai": {"apiKeySecretVersion": "projects/p/secrets/OPENAI_API_KEY/versions/latest"}},
    {"auth": {"mode": "token", "tokens": {"existingSecret": "tokens"}},
     "admin": {"existingSecret": "admin"}, "redis": {"existingSecret": "redis"}},
    {"auth": {"mode": "jwt", "jwt": {"existingSecret": "jwt"}}},
], ids=["defaults", "openai-existing", "openai-apikey", "openai-version", "token-admin-redis", "jwt"])
def test_secret_settings_are_only_secret_key_refs(values):
    assert_secrets_only_by_reference(render(values))


def test_existing_secrets_are_referenced_by_name_and_key():
    rendered = render({
        "openai": {"existingSecret": "openai", "existingSecretKey": "key"},
        "auth": {"mode": "token", "tokens": {"existingSecret": "tokens"}},
        "admin": {"existingSecret": "admin"},
        "redis": {"existingSecret": "redis"},
    })
    refs = {n: e["valueFrom"]["secretKeyRef"] for n, e in rendered.env_refs().items()}
    assert refs == {
        "OPENAI_API_KEY": {"name": "openai", "key": "key"},
        "API_TOKENS": {"name": "tokens", "key": "API_TOKENS"},
        "ADMIN_TOKEN": {"name": "admin", "key": "ADMIN_TOKEN"},
        "REDIS_URL": {"name": "redis", "key": "REDIS_URL"},
    }
    assert "Secret" not in rendered.kinds()
    assert "REDIS_URL" not in rendered.config


def test_secret_manager_versions_render_no_secret_and_no_value():
    rendered = render({
        "openai": {"apiKeySecretVersion": "projects/p/secrets/OPENAI_API_KEY/versions/3"},
        "auth": {"mode": "jwt", "jwt": {"secretVersion": "projects/p/secrets/JWT/versions/latest",
                                         "issuer": "https://issuer.example.com", "audience": "playground"}},
        "admin": {"tokenSecretVersion": "projects/p/secrets/ADMIN/versions/latest"},
        "redis": {"url": "rediss://10.0.0.5:6378", "passwordSecretVersion": "projects/p/secrets/REDIS/versions/1"},
    })
    assert "Secret" not in rendered.kinds()
    assert "env" not in rendered.container
    assert rendered.config["OPENAI_API_KEY_SECRET"] == "projects/p/secrets/OPENAI_API_KEY/versions/3"
    assert rendered.config["JWT_SECRET_SECRET"] == "projects/p/secrets/JWT/versions/latest"
    assert rendered.config["ADMIN_TOKEN_SECRET"] == "projects/p/secrets/ADMIN/versions/latest"
    assert rendered.config["REDIS_PASSWORD_SECRET"] == "projects/p/secrets/REDIS/versions/1"
    assert rendered.config["AUTH_MODE"] == "jwt"
    assert rendered.config["JWT_ISSUER"] == "https://issuer.example.com"


def test_direct_api_key_lives_only_base64_in_the_chart_secret():
    rendered = render({"openai": {"apiKey": SENTINEL}})
    assert SENTINEL not in rendered.text, "the raw key is in the rendered manifests"
    # By name: the default render also has the generated admin token Secret (<fullname>-admin, see
    # test_admin_token.py); the user-provided key must still be only in the chart's own Secret.
    secret = rendered.one("Secret", RELEASE)
    assert base64.b64decode(secret["data"]["OPENAI_API_KEY"]).decode() == SENTINEL
    ref = rendered.env_refs()["OPENAI_API_KEY"]["valueFrom"]["secretKeyRef"]
    assert ref == {"name": secret["metadata"]["name"], "key": "OPENAI_API_KEY"}
    encoded = secret["data"]["OPENAI_API_KEY"]
    assert sum(encoded in doc_text for doc_text in rendered.text.split("\n---")) == 1


@pytest.mark.parametrize("name", sorted(SECRET_ENV_NAMES))
def test_secrets_cannot_be_smuggled_through_the_plain_env_map(name):
    from conftest import render_error

    error = render_error({"env": {name: "x"}})
    assert f"env.{name}: secrets don't go in env" in error
