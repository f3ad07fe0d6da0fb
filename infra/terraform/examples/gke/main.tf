/**
 * GKE Autopilot deployment built from the modules: a repository, the OPENAI_API_KEY secret and
 * the cluster with the project's Helm chart, whose pods read the secret through Workload Identity.
 * Uses the project's default network, which needs Cloud NAT for private nodes to reach OpenAI
 * (the root module creates a network with NAT; here private_nodes is off to stay self-contained).
 */

provider "google" {
  project = var.project_id
  region  = var.region
}

data "google_client_config" "default" {}

provider "kubernetes" {
  host                   = "https://${module.gke.cluster_endpoint}"
  token                  = data.google_client_config.default.access_token
  cluster_ca_certificate = base64decode(module.gke.cluster_ca_certificate)
}

provider "helm" {
  kubernetes {
    host                   = "https://${module.gke.cluster_endpoint}"
    token                  = data.google_client_config.default.access_token
    cluster_ca_certificate = base64decode(module.gke.cluster_ca_certificate)
  }
}

module "artifact_registry" {
  source = "../../modules/artifact-registry"

  project_id = var.project_id
  location   = var.region
}

module "openai_api_key" {
  source = "../../modules/secret"

  project_id = var.project_id
  secret_id  = "OPENAI_API_KEY"
}

module "gke" {
  source = "../../modules/gke"

  project_id       = var.project_id
  region           = var.region
  private_nodes    = false
  image_repository = "${module.artifact_registry.repository_url}/hedera-playground-assistant"
  image_tag        = var.image_tag
  secret_env       = { OPENAI_API_KEY = module.openai_api_key.secret_id }
}
