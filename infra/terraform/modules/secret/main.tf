/**
 * One Secret Manager secret. Its value is added by the user
 * (`gcloud secrets versions add NAME --data-file=-`), so it never reaches Terraform state.
 * Only when create_version is true does Terraform write a version, and then that value is in state.
 * Access is granted by the runtimes' modules, on this one secret only.
 */

resource "google_secret_manager_secret" "this" {
  project   = var.project_id
  secret_id = var.secret_id
  labels    = var.labels

  replication {
    dynamic "auto" {
      for_each = length(var.replica_locations) == 0 ? [1] : []
      content {}
    }

    dynamic "user_managed" {
      for_each = length(var.replica_locations) > 0 ? [1] : []
      content {
        dynamic "replicas" {
          for_each = var.replica_locations
          content {
            location = replicas.value
          }
        }
      }
    }
  }
}

resource "google_secret_manager_secret_version" "this" {
  count = var.create_version ? 1 : 0

  secret      = google_secret_manager_secret.this.id
  secret_data = var.secret_data

  lifecycle {
    precondition {
      condition     = var.secret_data != null
      error_message = "create_version is true but secret_data is null."
    }
  }
}
