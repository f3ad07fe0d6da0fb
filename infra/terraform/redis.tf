# Optional Memorystore for Redis (enable_redis): shared conversation state across instances.
# Cloud Run reaches it through Direct VPC egress, GKE pods through the cluster's VPC.

locals {
  redis_auth = var.enable_redis && var.redis_auth_enabled
  redis_tls  = var.enable_redis && var.redis_transit_encryption
  redis_url  = var.enable_redis ? "${local.redis_tls ? "rediss" : "redis"}://${google_redis_instance.this[0].host}:${google_redis_instance.this[0].port}" : ""
}

resource "google_redis_instance" "this" {
  count = var.enable_redis ? 1 : 0

  project                 = var.project_id
  region                  = var.region
  name                    = var.redis_name
  tier                    = var.redis_tier
  memory_size_gb          = var.redis_memory_size_gb
  redis_version           = var.redis_version
  authorized_network      = local.network
  connect_mode            = "DIRECT_PEERING"
  auth_enabled            = var.redis_auth_enabled
  transit_encryption_mode = var.redis_transit_encryption ? "SERVER_AUTHENTICATION" : "DISABLED"
  labels                  = var.labels

  lifecycle {
    precondition {
      condition     = !(var.enable_gke && var.redis_transit_encryption)
      error_message = "redis_transit_encryption is wired for Cloud Run only (its CA is mounted there); the Helm chart has no value yet to trust Memorystore's CA."
    }
  }

  depends_on = [google_project_service.this]
}

# The AUTH string is in the state anyway (an attribute of the instance); the runtimes read it
# from Secret Manager like every other secret.
module "redis_password" {
  source = "./modules/secret"
  count  = local.redis_auth ? 1 : 0

  project_id     = var.project_id
  secret_id      = "REDIS_PASSWORD"
  labels         = var.labels
  create_version = true
  secret_data    = google_redis_instance.this[0].auth_string
}

# Memorystore signs its TLS certificate with a CA of its own; Cloud Run mounts it as a file.
module "redis_ca" {
  source = "./modules/secret"
  count  = local.redis_tls ? 1 : 0

  project_id     = var.project_id
  secret_id      = "REDIS_CA"
  labels         = var.labels
  create_version = true
  secret_data    = join("\n", [for c in google_redis_instance.this[0].server_ca_certs : c.cert])
}
