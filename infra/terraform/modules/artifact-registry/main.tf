/**
 * Artifact Registry Docker repository that holds the server's images
 * (pushed by `gcloud builds submit` with the repository's cloudbuild.yaml).
 */

resource "google_artifact_registry_repository" "this" {
  #checkov:skip=CKV_GCP_84:Google-managed encryption keys are enough for public container images; pass kms_key_name to use a CMEK.
  project       = var.project_id
  location      = var.location
  repository_id = var.repository_id
  description   = var.description
  format        = "DOCKER"
  labels        = var.labels
  kms_key_name  = var.kms_key_name

  docker_config {
    immutable_tags = var.immutable_tags
  }

  cleanup_policy_dry_run = false

  dynamic "cleanup_policies" {
    for_each = var.keep_recent_versions > 0 ? [1] : []
    content {
      id     = "keep-recent"
      action = "KEEP"
      most_recent_versions {
        keep_count = var.keep_recent_versions
      }
    }
  }

  dynamic "cleanup_policies" {
    for_each = var.keep_recent_versions > 0 ? [1] : []
    content {
      id     = "delete-untagged"
      action = "DELETE"
      condition {
        tag_state = "UNTAGGED"
      }
    }
  }
}
