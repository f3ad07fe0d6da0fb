output "cloud_run_url" {
  description = "URL of the service."
  value       = module.cloud_run.url
}
