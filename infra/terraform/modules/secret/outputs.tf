output "secret_id" {
  description = "Short name of the secret (what Cloud Run's secret_key_ref and the IAM binding take)."
  value       = google_secret_manager_secret.this.secret_id
  # Consumers (Cloud Run's secret_key_ref, IAM) wait for the version Terraform writes, if any: a revision
  # started before it exists fails on "latest".
  depends_on = [google_secret_manager_secret_version.this]
}

output "name" {
  description = "Full resource name: projects/<project number>/secrets/<secret_id>."
  value       = google_secret_manager_secret.this.name
}

output "latest_version" {
  description = "Version path the app reads with its own identity: projects/<project>/secrets/<secret_id>/versions/latest."
  value       = "projects/${var.project_id}/secrets/${google_secret_manager_secret.this.secret_id}/versions/latest"
  depends_on  = [google_secret_manager_secret_version.this]
}
