# --- Where --------------------------------------------------------------------------------------

variable "project_id" {
  description = "Google Cloud project to deploy into."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a project ID (6-30 lowercase letters, digits, hyphens), not a project number or name."
  }
}

variable "region" {
  description = "Region of every resource, e.g. europe-west1."
  type        = string
  default     = "europe-west1"
}

variable "enable_apis" {
  description = "Enable the Google APIs the deployment uses (Artifact Registry, Cloud Build, Secret Manager, Run, GKE, Redis, Compute)."
  type        = bool
  default     = true
}

variable "labels" {
  description = "Labels put on every resource that takes them."
  type        = map(string)
  default     = { app = "hedera-playground-assistant" }
}

variable "deletion_protection" {
  description = "Protect the Cloud Run service and the GKE cluster from terraform destroy."
  type        = bool
  default     = false
}

# --- Image --------------------------------------------------------------------------------------

variable "repository_id" {
  description = "Artifact Registry Docker repository created for the images."
  type        = string
  default     = "hedera-playground-assistant"
}

variable "image_name" {
  description = "Image name inside the repository (cloudbuild.yaml pushes <region>-docker.pkg.dev/<project>/<repository>/<image_name>:<tag>)."
  type        = string
  default     = "hedera-playground-assistant"
}

variable "image_tag" {
  description = "Tag of the image to deploy."
  type        = string
  default     = "latest"

  validation {
    condition     = can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.image_tag))
    error_message = "image_tag must be a valid Docker tag."
  }
}

variable "keep_recent_image_versions" {
  description = "Keep this many most recent image versions in the repository and delete untagged ones; 0 keeps everything."
  type        = number
  default     = 10
}

# --- Runtimes -----------------------------------------------------------------------------------

variable "enable_cloud_run" {
  description = "Deploy the server on Cloud Run."
  type        = bool
  default     = true
}

variable "enable_gke" {
  description = "Create a GKE Autopilot cluster and install the Helm chart on it."
  type        = bool
  default     = false
}

variable "cloud_run" {
  description = <<-EOT
    The Cloud Run service (enable_cloud_run), passed whole to modules/cloud-run, which validates each field:
    service_name; timeout_seconds (a WebSocket lives at most this long; 1-3600, default the maximum);
    session_affinity; max_concurrency (requests, WebSockets and streams, per instance); scaling (without
    Redis, conversations live in one instance's memory: keep max at 1 or rely on session affinity);
    resources (cpu_idle false keeps CPU for answers whose client dropped, so they stream on for resume);
    public (roles/run.invoker for allUsers; the server's own AUTH_MODE then guards it).
    Terraform drops fields the type does not name, so spell them as here.
  EOT
  type = object({
    service_name     = optional(string, "hedera-playground-assistant")
    timeout_seconds  = optional(number, 3600)
    session_affinity = optional(bool, true)
    max_concurrency  = optional(number, 80)
    scaling = optional(object({
      min_instance_count = optional(number, 0)
      max_instance_count = optional(number, 3)
    }), {})
    resources = optional(object({
      cpu               = optional(string, "1")
      memory            = optional(string, "1Gi")
      cpu_idle          = optional(bool, false)
      startup_cpu_boost = optional(bool, true)
    }), {})
    public = optional(bool, true)
  })
  default  = {}
  nullable = false
}

variable "gke" {
  description = "The GKE Autopilot cluster and Helm release (enable_gke), passed to modules/gke, which validates each field: cluster_name; namespace (the Workload Identity binding names it); chart_path (null: the repository's charts/hedera-playground-assistant)."
  type = object({
    cluster_name = optional(string, "hedera-playground-assistant")
    namespace    = optional(string, "hedera-playground-assistant")
    chart_path   = optional(string)
  })
  default  = {}
  nullable = false
}

# --- Network (Redis, GKE) -----------------------------------------------------------------------

variable "network" {
  description = "Existing VPC network id for Redis and GKE; null creates one when enable_redis or enable_gke is true."
  type        = string
  default     = null
}

variable "subnetwork" {
  description = "Existing subnetwork id in region, used with network."
  type        = string
  default     = null
}

variable "network_name" {
  description = "Name of the VPC network created when network is null."
  type        = string
  default     = "hedera-playground-assistant"
}

variable "subnet_cidr" {
  description = "Primary range of the created subnetwork (Cloud Run Direct VPC egress takes addresses from it)."
  type        = string
  default     = "10.10.0.0/20"

  validation {
    condition     = can(cidrhost(var.subnet_cidr, 0))
    error_message = "subnet_cidr must be a CIDR range such as 10.10.0.0/20."
  }
}

# --- Secrets ------------------------------------------------------------------------------------

variable "openai_api_key_secret_id" {
  description = "Secret Manager secret created for the OpenAI key."
  type        = string
  default     = "OPENAI_API_KEY"
}

variable "openai_api_key" {
  description = "Optional: let Terraform write the OpenAI key as a secret version. It is then stored in the state; the default (null) leaves adding it to gcloud."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = var.openai_api_key == null || try(length(var.openai_api_key) > 20, false)
    error_message = "openai_api_key, when set, must be a full API key."
  }
}

variable "create_admin_token_secret" {
  description = "Create the ADMIN_TOKEN secret (guards /api/stats) and give it to the runtimes. Add its value with gcloud unless generate_admin_token is true."
  type        = bool
  default     = true
}

variable "admin_token_secret_id" {
  description = "Name of the admin token secret."
  type        = string
  default     = "ADMIN_TOKEN"
}

variable "generate_admin_token" {
  description = "Let Terraform generate the admin token (random_password) and write it as a version. The token is then stored in the state, which must be protected."
  type        = bool
  default     = false
}

variable "generate_metrics_token" {
  description = "Cloud Run serves /metrics on its public URL: generate METRICS_TOKEN (random_password into Secret Manager, so it is in the state) so only scrapers sending it read metrics. false leaves /metrics public."
  type        = bool
  default     = true
}

variable "metrics_token_secret_id" {
  description = "Name of the generated metrics token secret (generate_metrics_token)."
  type        = string
  default     = "METRICS_TOKEN"
}

variable "api_tokens_secret_id" {
  description = "Existing secret holding API_TOKENS (comma-separated tokens) for auth_mode = token; null: none."
  type        = string
  default     = null
}

variable "jwt_secret_secret_id" {
  description = "Existing secret holding JWT_SECRET (HS256) for auth_mode = jwt without JWKS; null: none."
  type        = string
  default     = null
}

# --- Server settings (docs/contract.md) ---------------------------------------------------------

variable "enable_tracing" {
  description = "Export OpenTelemetry traces to Cloud Trace (OTLP at telemetry.googleapis.com) and grant the runtime service accounts roles/cloudtrace.agent. See docs/observability.md."
  type        = bool
  default     = false
}

variable "trace_sample_ratio" {
  description = "OTEL_TRACES_SAMPLER_ARG with enable_tracing: the share of new traces kept (parentbased_traceidratio: a caller's sampled decision is followed)."
  type        = number
  default     = 0.1

  validation {
    condition     = var.trace_sample_ratio >= 0 && var.trace_sample_ratio <= 1
    error_message = "trace_sample_ratio must be between 0 and 1."
  }
}

variable "openai_model" {
  description = "OPENAI_MODEL: the OpenAI chat model the server asks."
  type        = string
  default     = "gpt-4o-mini"
}

variable "log_level" {
  description = "LOG_LEVEL of the server: fatal, error, warn, info, debug or trace."
  type        = string
  default     = "info"

  validation {
    condition     = contains(["fatal", "error", "warn", "info", "debug", "trace"], var.log_level)
    error_message = "log_level must be fatal, error, warn, info, debug or trace."
  }
}

variable "cors_origins" {
  description = "CORS_ORIGINS: comma-separated origins allowed to call the API from a browser; empty keeps the server's default."
  type        = string
  default     = ""
}

variable "auth_mode" {
  description = "AUTH_MODE: none, token (needs api_tokens_secret_id), jwt (needs jwt_jwks_url or jwt_secret_secret_id) or gateway (the user id from auth_gateway_header, set by a gateway that strips client copies). Validated by the runtime modules."
  type        = string
  default     = "none"
}

variable "auth_gateway_header" {
  description = "AUTH_GATEWAY_HEADER: with auth_mode = gateway, the header the gateway sets to the user id; empty keeps the server's default (x-user-id)."
  type        = string
  default     = ""

  validation {
    condition     = var.auth_gateway_header == "" || can(regex("^x-[a-zA-Z0-9-]{1,62}$", var.auth_gateway_header))
    error_message = "auth_gateway_header must be a header name starting with x-, e.g. x-user-id."
  }
}

variable "token_budget_period" {
  description = "TOKEN_BUDGET_PERIOD: day (UTC) or month (UTC calendar month), the period of daily_token_limit; empty keeps the server's default (day)."
  type        = string
  default     = ""

  validation {
    condition     = contains(["", "day", "month"], var.token_budget_period)
    error_message = "token_budget_period must be day, month or empty."
  }
}

variable "jwt_issuer" {
  description = "JWT_ISSUER checked in tokens when auth_mode = jwt; empty: not checked."
  type        = string
  default     = ""
}

variable "jwt_audience" {
  description = "JWT_AUDIENCE checked in tokens when auth_mode = jwt; empty: not checked."
  type        = string
  default     = ""
}

variable "jwt_jwks_url" {
  description = "JWT_JWKS_URL the server fetches signing keys from when auth_mode = jwt."
  type        = string
  default     = ""

  validation {
    condition     = var.jwt_jwks_url == "" || startswith(var.jwt_jwks_url, "https://")
    error_message = "jwt_jwks_url must be an https:// URL."
  }
}

variable "trusted_proxy_hops" {
  description = "TRUSTED_PROXY_HOPS (proxies whose X-Forwarded-For is trusted); null: 1 on Cloud Run, 0 behind GKE's L4 LoadBalancer."
  type        = number
  default     = null

  validation {
    condition     = var.trusted_proxy_hops == null || try(var.trusted_proxy_hops >= 0 && floor(var.trusted_proxy_hops) == var.trusted_proxy_hops, false)
    error_message = "trusted_proxy_hops must be a whole number >= 0."
  }
}

variable "rate_limits" {
  description = "Per-client RATE_LIMIT_* settings, on by default with playground values (the service is public); 0 turns one off."
  type = object({
    connections_per_minute = optional(number, 30)
    chats_per_minute       = optional(number, 10)
    concurrent_answers     = optional(number, 2)
    sockets_per_user       = optional(number, 4)
  })
  default = {}

  validation {
    condition     = alltrue([for v in values(var.rate_limits) : v == null ? true : v >= 0 && floor(v) == v])
    error_message = "rate_limits values must be whole numbers >= 0."
  }
}

variable "daily_token_limit" {
  description = "DAILY_TOKEN_LIMIT: OpenAI tokens one client may spend a UTC day, about 50 long answers by default; 0 = off, null keeps the server's default (off)."
  type        = number
  default     = 200000

  validation {
    condition     = var.daily_token_limit == null || try(var.daily_token_limit >= 0, false)
    error_message = "daily_token_limit must be >= 0."
  }
}

variable "env" {
  description = "Extra plain settings for both runtimes, for settings without a variable here. Never secrets: those are Secret Manager references; the runtime modules refuse secret names, PORT and AUTH_MODE, and on GKE the settings the chart has a value of its own for."
  type        = map(string)
  default     = {}
}

# --- Redis (Memorystore) ------------------------------------------------------------------------

variable "enable_redis" {
  description = "Create a Memorystore for Redis instance and point REDIS_URL at it (needed to scale beyond one instance)."
  type        = bool
  default     = false
}

variable "redis_name" {
  description = "Name of the Memorystore instance."
  type        = string
  default     = "hedera-playground-assistant"
}

variable "redis_tier" {
  description = "BASIC (one node) or STANDARD_HA (replicated, with failover)."
  type        = string
  default     = "BASIC"

  validation {
    condition     = contains(["BASIC", "STANDARD_HA"], var.redis_tier)
    error_message = "redis_tier must be BASIC or STANDARD_HA."
  }
}

variable "redis_memory_size_gb" {
  description = "Memory of the instance in GiB."
  type        = number
  default     = 1

  validation {
    condition     = var.redis_memory_size_gb >= 1 && var.redis_memory_size_gb <= 300
    error_message = "redis_memory_size_gb must be from 1 to 300."
  }
}

variable "redis_version" {
  description = "Redis version of the instance."
  type        = string
  default     = "REDIS_7_2"
}

variable "redis_auth_enabled" {
  description = "Require Redis AUTH; the AUTH string reaches the runtimes as the REDIS_PASSWORD secret (it is also an attribute of the instance in the state)."
  type        = bool
  default     = true
}

variable "redis_transit_encryption" {
  description = "TLS to Redis (rediss://, port 6378). Cloud Run then trusts the instance's CA through NODE_EXTRA_CA_CERTS; not wired for GKE."
  type        = bool
  default     = false
}

# --- Model provider and users' own keys -------------------------------------------------------

variable "llm_provider" {
  description = "LLM_PROVIDER: openai (the OPENAI_API_KEY secret), vertex (Gemini on Vertex AI with the runtime's service account: no key, the OpenAI secret then needs no version) or offline."
  type        = string
  default     = "openai"

  validation {
    condition     = contains(["openai", "vertex", "offline"], var.llm_provider)
    error_message = "llm_provider must be openai, vertex or offline."
  }
}

variable "vertex" {
  description = "With llm_provider = \"vertex\": the Vertex AI location (VERTEX_LOCATION; null means var.region) and model (VERTEX_MODEL, publisher/model). The project is project_id."
  type = object({
    location = optional(string)
    model    = optional(string, "google/gemini-2.5-flash")
  })
  default = {}

  validation {
    condition     = var.vertex.location == null || can(regex("^[a-z0-9-]{2,40}$", var.vertex.location))
    error_message = "vertex.location must be a Vertex AI location such as us-central1 or global."
  }
  validation {
    condition     = can(regex("^[A-Za-z0-9._-]+/[A-Za-z0-9._@-]+$", var.vertex.model))
    error_message = "vertex.model must be publisher/model, e.g. google/gemini-2.5-flash."
  }
}

variable "byok" {
  description = "Users' own OpenAI keys sealed with Cloud KMS: kms = true creates a key ring and key (rotated every rotation_period) and grants the runtime's service account encrypt/decrypt on that key only; models is BYOK_MODELS (empty: openai_model)."
  type = object({
    kms             = optional(bool, false)
    location        = optional(string, "global")
    key_ring        = optional(string, "hedera-playground-assistant")
    key             = optional(string, "user-ai-keys")
    rotation_period = optional(string, "7776000s")
    models          = optional(list(string), [])
  })
  default = {}

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,63}$", var.byok.key_ring)) && can(regex("^[a-zA-Z0-9_-]{1,63}$", var.byok.key))
    error_message = "byok.key_ring and byok.key must be 1-63 letters, digits, '_' or '-'."
  }
  validation {
    condition     = can(regex("^[a-z0-9-]{2,40}$", var.byok.location))
    error_message = "byok.location must be a Cloud KMS location such as global or europe-west1."
  }
  validation {
    condition     = can(regex("^[0-9]+s$", var.byok.rotation_period)) && try(tonumber(trimsuffix(var.byok.rotation_period, "s")) >= 86400 && tonumber(trimsuffix(var.byok.rotation_period, "s")) <= 7776000, false)
    error_message = "byok.rotation_period must be seconds with an s suffix, from one day (86400s) to 90 days (7776000s)."
  }
  validation {
    condition     = alltrue([for m in var.byok.models : can(regex("^[A-Za-z0-9._:/-]{1,128}$", m))])
    error_message = "byok.models must hold model ids such as gpt-4o-mini."
  }
  validation {
    condition     = var.byok.kms || length(var.byok.models) == 0
    error_message = "byok.models needs byok.kms = true: users' own keys are off without a key-encryption key."
  }
}
