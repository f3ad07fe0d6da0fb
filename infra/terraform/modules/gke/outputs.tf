output "cluster_name" {
  description = "Name of the Autopilot cluster."
  value       = google_container_cluster.this.name
}

output "cluster_endpoint" {
  description = "IP of the cluster's control plane (for the kubernetes and helm providers: https://<endpoint>)."
  value       = google_container_cluster.this.endpoint
}

output "cluster_ca_certificate" {
  description = "Base64 PEM CA certificate of the control plane."
  value       = google_container_cluster.this.master_auth[0].cluster_ca_certificate
  sensitive   = true
}

output "service_account_email" {
  description = "Google service account the pods act as through Workload Identity."
  value       = google_service_account.workload.email
}

output "load_balancer_ip" {
  description = "External IP of the hedera-playground-assistant LoadBalancer Service (port 80)."
  value       = try(data.kubernetes_service_v1.app.status[0].load_balancer[0].ingress[0].ip, null)
}
