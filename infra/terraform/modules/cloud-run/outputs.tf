output "url" {
  description = "HTTPS URL of the service (https://<name>-<hash>-<region>.a.run.app)."
  value       = google_cloud_run_v2_service.this.uri
}

output "service_name" {
  description = "Name of the Cloud Run service."
  value       = google_cloud_run_v2_service.this.name
}

output "service_account_email" {
  description = "Email of the service account the service runs as."
  value       = google_service_account.runtime.email
}
