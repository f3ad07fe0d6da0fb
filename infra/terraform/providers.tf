provider "google" {
  project = var.project_id
  region  = var.region
}

data "google_client_config" "default" {}

# Both talk to the Autopilot cluster when enable_gke is true; otherwise they are configured but unused.
provider "kubernetes" {
  host                   = try("https://${module.gke[0].cluster_endpoint}", null)
  token                  = data.google_client_config.default.access_token
  cluster_ca_certificate = try(base64decode(module.gke[0].cluster_ca_certificate), null)
}

provider "helm" {
  kubernetes {
    host                   = try("https://${module.gke[0].cluster_endpoint}", null)
    token                  = data.google_client_config.default.access_token
    cluster_ca_certificate = try(base64decode(module.gke[0].cluster_ca_certificate), null)
  }
}
