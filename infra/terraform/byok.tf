# Users' own OpenAI keys (BYOK), sealed under a Cloud KMS key (byok.kms): the key ring, the key, and
# encrypt/decrypt on that key only for each runtime's service account. See docs/byok-and-vertex.md.

locals {
  byok_key_name = var.byok.kms ? google_kms_crypto_key.user_keys[0].id : null

  # The runtimes' service accounts, for the grants below and in vertex.tf.
  runtime_members = merge(
    var.enable_cloud_run ? { cloud_run = "serviceAccount:${module.cloud_run[0].service_account_email}" } : {},
    var.enable_gke ? { gke = "serviceAccount:${module.gke[0].service_account_email}" } : {},
  )
}

resource "google_kms_key_ring" "user_keys" {
  count = var.byok.kms ? 1 : 0

  project  = var.project_id
  name     = var.byok.key_ring
  location = var.byok.location

  depends_on = [google_project_service.this]
}

resource "google_kms_crypto_key" "user_keys" {
  #checkov:skip=CKV_GCP_43:rotation_period comes from var.byok, whose validation allows one day to 90 days (checkov cannot read an optional attribute's default).
  count = var.byok.kms ? 1 : 0

  name            = var.byok.key
  key_ring        = google_kms_key_ring.user_keys[0].id
  purpose         = "ENCRYPT_DECRYPT"
  rotation_period = var.byok.rotation_period
  labels          = var.labels

  # Old versions stay: records sealed under them still open after a rotation.
  version_template {
    algorithm        = "GOOGLE_SYMMETRIC_ENCRYPTION"
    protection_level = "SOFTWARE"
  }

  # Destroying the key makes every stored user key unreadable: Terraform refuses (remove it from the state
  # with `terraform state rm` first if that is really wanted; KMS then schedules destruction itself).
  lifecycle {
    prevent_destroy = true
  }
}

# Encrypt/decrypt on this one key, not the key ring or the project.
resource "google_kms_crypto_key_iam_member" "user_keys" {
  for_each = var.byok.kms ? local.runtime_members : {}

  crypto_key_id = google_kms_crypto_key.user_keys[0].id
  role          = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  member        = each.value
}
