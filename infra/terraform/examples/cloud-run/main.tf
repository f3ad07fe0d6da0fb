/**
 * Smallest Cloud Run deployment built from the modules: a repository, the OPENAI_API_KEY secret
 * (value added with gcloud) and a public Cloud Run service reading it by reference.
 */

provider "google" {
  project = var.project_id
  region  = var.region
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

module "cloud_run" {
  source = "../../modules/cloud-run"

  project_id = var.project_id
  region     = var.region
  image      = "${module.artifact_registry.repository_url}/hedera-playground-assistant:${var.image_tag}"
  env        = { TRUSTED_PROXY_HOPS = "1" }
  secret_env = { OPENAI_API_KEY = module.openai_api_key.secret_id }
}
