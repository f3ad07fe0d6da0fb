output "repository_id" {
  description = "Name of the repository."
  value       = google_artifact_registry_repository.this.repository_id
}

output "repository_url" {
  description = "Docker host and path of the repository: <location>-docker.pkg.dev/<project>/<repository>."
  value       = "${google_artifact_registry_repository.this.location}-docker.pkg.dev/${google_artifact_registry_repository.this.project}/${google_artifact_registry_repository.this.repository_id}"
}
