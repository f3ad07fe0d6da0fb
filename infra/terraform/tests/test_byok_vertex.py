"""Users' own keys on Cloud KMS and the Vertex AI provider: what is created, who is granted what, which settings reach the runtimes."""
from hcl import TF_ROOT, load_dir, named_blocks, resources

LOCALS = {k: v for b in load_dir(TF_ROOT)["locals"] for k, v in b.items()}
GKE_LOCALS = {k: v for b in load_dir(TF_ROOT / "modules" / "gke")["locals"] for k, v in b.items()}


def test_kms_key_ring_and_key_exist_only_with_byok_kms():
    ring = resources(TF_ROOT, "google_kms_key_ring")[("google_kms_key_ring", "user_keys")]
    key = resources(TF_ROOT, "google_kms_crypto_key")[("google_kms_crypto_key", "user_keys")]
    assert ring["count"] == key["count"] == "${var.byok.kms ? 1 : 0}"
    assert key["purpose"] == "ENCRYPT_DECRYPT"
    assert key["rotation_period"] == "${var.byok.rotation_period}"
    assert key["lifecycle"][0]["prevent_destroy"] is True


def test_runtimes_get_encrypt_decrypt_on_that_key_only():
    grants = resources(TF_ROOT, "google_kms_crypto_key_iam_member")
    assert list(grants) == [("google_kms_crypto_key_iam_member", "user_keys")]
    grant = grants[("google_kms_crypto_key_iam_member", "user_keys")]
    assert grant["role"] == "roles/cloudkms.cryptoKeyEncrypterDecrypter"
    assert grant["crypto_key_id"] == "${google_kms_crypto_key.user_keys[0].id}"
    # No KMS role on the key ring or the project.
    for typ in ("google_kms_key_ring_iam_member", "google_kms_key_ring_iam_binding"):
        assert not resources(TF_ROOT, typ)
    roles = [r["role"] for r in resources(TF_ROOT, "google_project_iam_member").values()]
    assert not [r for r in roles if "cloudkms" in r]


def test_vertex_grants_aiplatform_user_to_each_runtime_and_enables_the_api():
    grant = resources(TF_ROOT, "google_project_iam_member")[("google_project_iam_member", "vertex_user")]
    assert grant["role"] == "roles/aiplatform.user"
    assert grant["for_each"] == '${var.llm_provider == "vertex" ? local.runtime_members : {}}'
    apis = LOCALS["apis"]
    assert 'var.llm_provider == "vertex" ? ["aiplatform.googleapis.com"]' in apis
    assert 'var.byok.kms ? ["cloudkms.googleapis.com"]' in apis
    members = LOCALS["runtime_members"]
    assert "module.cloud_run[0].service_account_email" in members and "module.gke[0].service_account_email" in members


def test_settings_reach_the_runtimes():
    settings = LOCALS["settings_env"]
    for name in ("LLM_PROVIDER", "VERTEX_PROJECT", "VERTEX_LOCATION", "VERTEX_MODEL", "BYOK_KMS_KEY_NAME", "BYOK_MODELS"):
        assert name in settings, name
    chart = GKE_LOCALS["chart_values"]
    assert chart["llm"] == {"provider": "${var.llm_provider}"}
    assert chart["byok"] == {"kmsKeyName": "${var.byok.kms_key_name}", "models": "${var.byok.models}"}


def test_the_openai_secret_is_not_read_with_vertex():
    assert 'var.llm_provider == "vertex" ? {} : {OPENAI_API_KEY = module.openai_api_key.secret_id}' in LOCALS["secret_env"]
    outputs = named_blocks(TF_ROOT, "output")
    assert outputs["byok_kms_key_name"]["value"] == "${local.byok_key_name}"
