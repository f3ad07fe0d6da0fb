output "cloud_run_url" {
  description = "HTTPS URL of the Cloud Run service (null when enable_cloud_run is false)."
  value       = try(module.cloud_run[0].url, null)
}

output "load_balancer_ip" {
  description = "External IP of the GKE LoadBalancer Service, port 80 (null when enable_gke is false)."
  value       = try(module.gke[0].load_balancer_ip, null)
}

output "image" {
  description = "Image the runtimes deploy; push it first (gcloud builds submit)."
  value       = local.image
}

output "repository_url" {
  description = "Artifact Registry repository for docker push."
  value       = module.artifact_registry.repository_url
}

output "openai_api_key_secret" {
  description = "Secret to add the OpenAI key to: gcloud secrets versions add <this> --data-file=-."
  value       = module.openai_api_key.secret_id
}

output "admin_token_secret" {
  description = "Secret holding ADMIN_TOKEN (null when create_admin_token_secret is false)."
  value       = try(module.admin_token[0].secret_id, null)
}

output "cloud_run_service_account" {
  description = "Service account of the Cloud Run service."
  value       = try(module.cloud_run[0].service_account_email, null)
}

output "gke_service_account" {
  description = "Google service account the GKE pods act as (Workload Identity)."
  value       = try(module.gke[0].service_account_email, null)
}

output "gke_cluster_name" {
  description = "Name of the GKE cluster, for gcloud container clusters get-credentials."
  value       = try(module.gke[0].cluster_name, null)
}

output "redis_url" {
  description = "REDIS_URL given to the runtimes (empty when enable_redis is false)."
  value       = local.redis_url
}

output "metrics_token_secret" {
  description = "Secret holding the generated METRICS_TOKEN that guards /metrics on Cloud Run (null when generate_metrics_token is false or Cloud Run is off)."
  value       = try(module.metrics_token[0].secret_id, null)
}

output "byok_kms_key_name" {
  description = "BYOK_KMS_KEY_NAME: the Cloud KMS key that seals users' own keys (null unless byok.kms)."
  value       = local.byok_key_name
}
