/**
 * hedera-playground-assistant on Google Cloud: an Artifact Registry repository, the
 * OPENAI_API_KEY secret (its value added with gcloud, never by Terraform unless asked), and the
 * server on Cloud Run (enable_cloud_run, default) and/or GKE Autopilot (enable_gke), with
 * optional Memorystore for Redis (enable_redis). See docs/deploy-terraform.md.
 */

locals {
  image_repository = "${module.artifact_registry.repository_url}/${var.image_name}"
  image            = "${local.image_repository}:${var.image_tag}"

  apis = concat(
    ["artifactregistry.googleapis.com", "cloudbuild.googleapis.com", "iam.googleapis.com", "secretmanager.googleapis.com"],
    var.enable_cloud_run ? ["run.googleapis.com"] : [],
    var.enable_gke ? ["container.googleapis.com"] : [],
    var.enable_redis ? ["redis.googleapis.com"] : [],
    var.enable_tracing ? ["cloudtrace.googleapis.com", "telemetry.googleapis.com"] : [],
    local.create_network ? ["compute.googleapis.com"] : [],
    var.byok.kms ? ["cloudkms.googleapis.com"] : [],
    var.llm_provider == "vertex" ? ["aiplatform.googleapis.com"] : [],
  )

  # Secrets each runtime reads: setting name => secret id. Only these are granted, one by one.
  secret_env = merge(
    # With Vertex AI no OpenAI key is read (the secret exists, a version is optional).
    var.llm_provider == "vertex" ? {} : { OPENAI_API_KEY = module.openai_api_key.secret_id },
    var.create_admin_token_secret ? { ADMIN_TOKEN = module.admin_token[0].secret_id } : {},
    var.api_tokens_secret_id != null ? { API_TOKENS = var.api_tokens_secret_id } : {},
    var.jwt_secret_secret_id != null ? { JWT_SECRET = var.jwt_secret_secret_id } : {},
    local.redis_auth ? { REDIS_PASSWORD = module.redis_password[0].secret_id } : {},
  )

  # Plain settings of docs/contract.md shared by both runtimes; unset ones keep the server's default.
  settings_env = { for k, v in {
    NODE_ENV                          = "production"
    LOG_LEVEL                         = var.log_level
    OPENAI_MODEL                      = var.openai_model
    CORS_ORIGINS                      = var.cors_origins
    JWT_ISSUER                        = var.jwt_issuer
    JWT_AUDIENCE                      = var.jwt_audience
    JWT_JWKS_URL                      = var.jwt_jwks_url
    RATE_LIMIT_CONNECTIONS_PER_MINUTE = var.rate_limits.connections_per_minute == null ? null : tostring(var.rate_limits.connections_per_minute)
    RATE_LIMIT_CHATS_PER_MINUTE       = var.rate_limits.chats_per_minute == null ? null : tostring(var.rate_limits.chats_per_minute)
    RATE_LIMIT_CONCURRENT_ANSWERS     = var.rate_limits.concurrent_answers == null ? null : tostring(var.rate_limits.concurrent_answers)
    RATE_LIMIT_SOCKETS_PER_USER       = var.rate_limits.sockets_per_user == null ? null : tostring(var.rate_limits.sockets_per_user)
    DAILY_TOKEN_LIMIT                 = var.daily_token_limit == null ? null : tostring(var.daily_token_limit)
    TOKEN_BUDGET_PERIOD               = var.token_budget_period
    AUTH_GATEWAY_HEADER               = var.auth_gateway_header
    LLM_PROVIDER                      = var.llm_provider
    VERTEX_PROJECT                    = var.llm_provider == "vertex" ? var.project_id : null
    VERTEX_LOCATION                   = var.llm_provider == "vertex" ? coalesce(var.vertex.location, var.region) : null
    VERTEX_MODEL                      = var.llm_provider == "vertex" ? var.vertex.model : null
    BYOK_KMS_KEY_NAME                 = local.byok_key_name
    BYOK_MODELS                       = length(var.byok.models) > 0 ? join(",", var.byok.models) : null
  } : k => v if v != null && v != "" }

  # Logs name their trace in this project; traces go to Cloud Trace's OTLP endpoint when enable_tracing.
  observability_env = merge(
    { GOOGLE_CLOUD_PROJECT = var.project_id },
    var.enable_tracing ? {
      OTEL_EXPORTER_OTLP_ENDPOINT = "https://telemetry.googleapis.com"
      OTEL_TRACES_SAMPLER         = "parentbased_traceidratio"
      OTEL_TRACES_SAMPLER_ARG     = tostring(var.trace_sample_ratio)
    } : {},
  )

  # The service accounts the server runs as: they write spans when tracing is on.
  runtime_members = merge(
    var.enable_cloud_run ? { cloud_run = "serviceAccount:${module.cloud_run[0].service_account_email}" } : {},
    var.enable_gke ? { gke = "serviceAccount:${module.gke[0].service_account_email}" } : {},
  )
}

resource "google_project_iam_member" "trace_agent" {
  for_each = var.enable_tracing ? local.runtime_members : {}

  project = var.project_id
  role    = "roles/cloudtrace.agent"
  member  = each.value
}

resource "google_project_service" "this" {
  for_each = var.enable_apis ? toset(local.apis) : toset([])

  project            = var.project_id
  service            = each.value
  disable_on_destroy = false
}

module "artifact_registry" {
  source = "./modules/artifact-registry"

  project_id           = var.project_id
  location             = var.region
  repository_id        = var.repository_id
  keep_recent_versions = var.keep_recent_image_versions
  labels               = var.labels

  depends_on = [google_project_service.this]
}

module "openai_api_key" {
  source = "./modules/secret"

  project_id = var.project_id
  secret_id  = var.openai_api_key_secret_id
  labels     = var.labels
  # Off by default: add the value with `gcloud secrets versions add OPENAI_API_KEY --data-file=-`.
  create_version = nonsensitive(var.openai_api_key != null)
  secret_data    = var.openai_api_key

  depends_on = [google_project_service.this]
}

# ADMIN_TOKEN guards /api/stats. The secret is created; its value is added with gcloud, unless
# generate_admin_token asks Terraform to make one (then it is stored in the state).
resource "random_password" "admin_token" {
  count = var.create_admin_token_secret && var.generate_admin_token ? 1 : 0

  length  = 40
  special = false
}

# METRICS_TOKEN guards /metrics on Cloud Run, whose only port is public (GKE serves metrics on a port of
# their own inside the cluster). Nobody has to pick it, so Terraform generates it (it is then in the state).
resource "random_password" "metrics_token" {
  count = var.enable_cloud_run && var.generate_metrics_token ? 1 : 0

  length  = 40
  special = false
}

module "metrics_token" {
  source = "./modules/secret"
  count  = var.enable_cloud_run && var.generate_metrics_token ? 1 : 0

  project_id     = var.project_id
  secret_id      = var.metrics_token_secret_id
  labels         = var.labels
  create_version = true
  secret_data    = random_password.metrics_token[0].result

  depends_on = [google_project_service.this]
}

module "admin_token" {
  source = "./modules/secret"
  count  = var.create_admin_token_secret ? 1 : 0

  project_id     = var.project_id
  secret_id      = var.admin_token_secret_id
  labels         = var.labels
  create_version = var.generate_admin_token
  secret_data    = var.generate_admin_token ? random_password.admin_token[0].result : null

  depends_on = [google_project_service.this]
}
