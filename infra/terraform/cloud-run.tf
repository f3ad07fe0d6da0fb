# The server on Cloud Run (enable_cloud_run, default true).

locals {
  redis_ca_dir = "/etc/hedera-playground-assistant/redis-ca"

  # Cloud Run alone gets the metrics token: its /metrics is on the public port.
  cloud_run_secret_env = merge(
    local.secret_env,
    var.enable_cloud_run && var.generate_metrics_token ? { METRICS_TOKEN = module.metrics_token[0].secret_id } : {},
  )

  cloud_run_env = merge(
    local.settings_env,
    local.observability_env,
    { TRUSTED_PROXY_HOPS = tostring(coalesce(var.trusted_proxy_hops, 1)) },
    var.enable_redis ? { REDIS_URL = local.redis_url } : {},
    # Node trusts Memorystore's per-instance server CA, mounted from Secret Manager below.
    local.redis_tls ? { NODE_EXTRA_CA_CERTS = "${local.redis_ca_dir}/ca.pem" } : {},
    var.env,
  )
}

module "cloud_run" {
  source = "./modules/cloud-run"
  count  = var.enable_cloud_run ? 1 : 0

  project_id          = var.project_id
  region              = var.region
  service_name        = var.service_name
  image               = local.image
  timeout_seconds     = var.cloud_run_timeout_seconds
  session_affinity    = var.cloud_run_session_affinity
  max_concurrency     = var.cloud_run_max_concurrency
  scaling             = var.cloud_run_scaling
  resources           = var.cloud_run_resources
  public              = var.cloud_run_public
  deletion_protection = var.deletion_protection
  labels              = var.labels

  auth_mode  = var.auth_mode
  env        = local.cloud_run_env
  secret_env = local.cloud_run_secret_env
  secret_files = local.redis_tls ? {
    redis-ca = { secret = module.redis_ca[0].secret_id, mount_path = local.redis_ca_dir, file_name = "ca.pem" }
  } : {}

  vpc_egress = var.enable_redis ? {
    network    = local.network
    subnetwork = local.subnetwork
    egress     = "PRIVATE_RANGES_ONLY"
  } : null

  depends_on = [google_project_service.this]
}
