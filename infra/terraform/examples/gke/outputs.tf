output "load_balancer_ip" {
  description = "External IP of the service (http://<ip>/ on port 80)."
  value       = module.gke.load_balancer_ip
}
