# The server on GKE Autopilot from the project's Helm chart (enable_gke, default false).

module "gke" {
  source = "./modules/gke"
  count  = var.enable_gke ? 1 : 0

  project_id          = var.project_id
  region              = var.region
  cluster_name        = var.gke.cluster_name
  network             = local.network
  subnetwork          = local.subnetwork
  deletion_protection = var.deletion_protection
  namespace           = var.gke.namespace
  chart_path          = var.gke.chart_path
  labels              = var.labels

  image_repository    = local.image_repository
  image_tag           = var.image_tag
  openai_model        = var.openai_model
  llm_provider        = var.llm_provider
  vertex              = var.vertex
  byok                = { kms_key_name = local.byok_key_name == null ? "" : local.byok_key_name, models = var.byok.models }
  auth_mode           = var.auth_mode
  auth_gateway_header = var.auth_gateway_header
  token_budget_period = var.token_budget_period
  secret_env          = local.secret_env
  redis_url           = var.enable_redis ? local.redis_url : ""
  log_level           = var.log_level
  cors_origins        = compact(split(",", var.cors_origins))
  jwt                 = { jwks_url = var.jwt_jwks_url, issuer = var.jwt_issuer, audience = var.jwt_audience }
  rate_limits         = merge(var.rate_limits, { daily_token_limit = var.daily_token_limit })
  # The chart's L4 LoadBalancer (externalTrafficPolicy Local) adds no proxy hop in front of the pods.
  trusted_proxy_hops = coalesce(var.trusted_proxy_hops, 0)
  # The chart's observability values are left empty, so these pass through its env map.
  env = merge(local.observability_env, var.env)

  depends_on = [google_project_service.this]
}
