variable "project_id" {
  description = "Google Cloud project of the cluster."
  type        = string
}

variable "region" {
  description = "Region of the Autopilot cluster (Autopilot clusters are regional)."
  type        = string
}

variable "cluster_name" {
  description = "Name of the GKE Autopilot cluster."
  type        = string
  default     = "hedera-playground-assistant"

  validation {
    condition     = can(regex("^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$", var.cluster_name))
    error_message = "cluster_name must be 1-40 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "network" {
  description = "VPC network of the cluster (name or self link); null uses the project's default network."
  type        = string
  default     = null
}

variable "subnetwork" {
  description = "Subnetwork of the cluster in region (name or self link); null uses the network's default."
  type        = string
  default     = null
}

variable "private_nodes" {
  description = "Give nodes no public IP. Pods then need Cloud NAT on the network to reach OpenAI (the root module creates it with its network)."
  type        = bool
  default     = true
}

variable "release_channel" {
  description = "GKE release channel."
  type        = string
  default     = "REGULAR"

  validation {
    condition     = contains(["RAPID", "REGULAR", "STABLE"], var.release_channel)
    error_message = "release_channel must be RAPID, REGULAR or STABLE."
  }
}

variable "deletion_protection" {
  description = "Refuse to destroy the cluster (terraform destroy fails until this is false and applied)."
  type        = bool
  default     = false
}

variable "service_account_id" {
  description = "account_id of the Google service account the pods act as."
  type        = string
  default     = "hpa-gke"

  validation {
    condition     = can(regex("^[a-z]([a-z0-9-]{4,28}[a-z0-9])$", var.service_account_id))
    error_message = "service_account_id must be 6-30 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "namespace" {
  description = "Kubernetes namespace of the release (created if missing). The Workload Identity binding names it."
  type        = string
  default     = "hedera-playground-assistant"

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", var.namespace))
    error_message = "namespace must be a DNS label (lowercase letters, digits, hyphens, at most 63)."
  }
}

variable "chart_path" {
  description = "Path of the Helm chart; null uses the repository's charts/hedera-playground-assistant."
  type        = string
  default     = null
}

variable "helm_timeout_seconds" {
  description = "How long helm waits for the release (pods ready, LoadBalancer IP assigned). Autopilot may need to add nodes first."
  type        = number
  default     = 900

  validation {
    condition     = var.helm_timeout_seconds >= 60
    error_message = "helm_timeout_seconds must be at least 60."
  }
}

variable "image_repository" {
  description = "Image without tag: <region>-docker.pkg.dev/<project>/<repository>/hedera-playground-assistant."
  type        = string
}

variable "image_tag" {
  description = "Image tag to deploy."
  type        = string
  default     = "latest"
}

variable "openai_model" {
  description = "OPENAI_MODEL of the server (chart value openai.model)."
  type        = string
  default     = "gpt-4o-mini"
}

variable "auth_mode" {
  description = "The server's AUTH_MODE: none, token (API_TOKENS) or jwt (JWT_JWKS_URL or JWT_SECRET)."
  type        = string
  default     = "none"

  validation {
    condition     = contains(["none", "token", "jwt", "gateway"], var.auth_mode)
    error_message = "auth_mode must be none, token, jwt or gateway."
  }
}

variable "secret_env" {
  description = "Secrets the app reads with its Workload Identity: setting name => secret id in this project. OPENAI_API_KEY is required unless llm_provider is vertex; ADMIN_TOKEN goes to admin.tokenSecretVersion, others to env as <NAME>_SECRET."
  type        = map(string)

  validation {
    condition     = alltrue([for k in keys(var.secret_env) : can(regex("^[A-Z][A-Z0-9_]*$", k))])
    error_message = "secret_env keys must be setting names (A-Z, 0-9, _)."
  }
}

variable "redis_url" {
  description = "REDIS_URL for the chart's redis.url; empty: no Redis."
  type        = string
  default     = ""
}

variable "log_level" {
  description = "LOG_LEVEL of the server (chart value logLevel)."
  type        = string
  default     = "info"

  validation {
    condition     = contains(["fatal", "error", "warn", "info", "debug", "trace"], var.log_level)
    error_message = "log_level must be fatal, error, warn, info, debug or trace."
  }
}

variable "cors_origins" {
  description = "CORS_ORIGINS as a list of origins (chart value corsOrigins); empty keeps the server's default."
  type        = list(string)
  default     = []
}

variable "trusted_proxy_hops" {
  description = "TRUSTED_PROXY_HOPS (chart value trustedProxyHops). The chart's L4 LoadBalancer keeps client IPs (externalTrafficPolicy Local), so 0."
  type        = number
  default     = 0

  validation {
    condition     = var.trusted_proxy_hops >= 0 && floor(var.trusted_proxy_hops) == var.trusted_proxy_hops
    error_message = "trusted_proxy_hops must be a whole number >= 0."
  }
}

variable "jwt" {
  description = "JWT_JWKS_URL, JWT_ISSUER and JWT_AUDIENCE for auth_mode = jwt (chart values auth.jwt.*); empty strings leave them unset."
  type = object({
    jwks_url = optional(string, "")
    issuer   = optional(string, "")
    audience = optional(string, "")
  })
  default = {}
}

variable "auth_gateway_header" {
  description = "With auth_mode = gateway, the header the gateway sets to the user id (chart value auth.gatewayHeader, AUTH_GATEWAY_HEADER); empty keeps x-user-id."
  type        = string
  default     = ""
}

variable "token_budget_period" {
  description = "day or month: the period of the token budget (chart value rateLimits.tokenBudgetPeriod, TOKEN_BUDGET_PERIOD); empty keeps day."
  type        = string
  default     = ""

  validation {
    condition     = contains(["", "day", "month"], var.token_budget_period)
    error_message = "token_budget_period must be day, month or empty."
  }
}

variable "rate_limits" {
  description = "RATE_LIMIT_* and DAILY_TOKEN_LIMIT (chart values rateLimits.*); null keeps the server's default, 0 turns a limit off."
  type = object({
    connections_per_minute = optional(number)
    chats_per_minute       = optional(number)
    concurrent_answers     = optional(number)
    sockets_per_user       = optional(number)
    daily_token_limit      = optional(number)
  })
  default = {}

  validation {
    condition     = alltrue([for v in values(var.rate_limits) : v == null ? true : v >= 0])
    error_message = "rate_limits values must be >= 0."
  }
}

variable "env" {
  description = "Extra plain settings for the chart's env map (settings the chart has a value of its own for are refused: it would fail on the duplicate). Secrets go in secret_env."
  type        = map(string)
  default     = {}

  validation {
    condition = length(setintersection(keys(var.env), [
      "OPENAI_API_KEY", "API_TOKENS", "JWT_SECRET", "ADMIN_TOKEN", "METRICS_TOKEN", "REDIS_PASSWORD",
      "NODE_ENV", "HOST", "PORT", "LOG_LEVEL", "TRUSTED_PROXY_HOPS", "CORS_ORIGINS", "OPENAI_MODEL", "AUTH_MODE",
      "JWT_JWKS_URL", "JWT_ISSUER", "JWT_AUDIENCE", "REDIS_URL", "RATE_LIMIT_CONNECTIONS_PER_MINUTE",
      "RATE_LIMIT_CHATS_PER_MINUTE", "RATE_LIMIT_CONCURRENT_ANSWERS", "RATE_LIMIT_SOCKETS_PER_USER", "DAILY_TOKEN_LIMIT",
      "RESUME_GRACE_MS", "SHUTDOWN_GRACE_MS", "METRICS_PORT", "OPENAI_BASE_URL", "OPENAI_API_KEY_SECRET", "API_TOKENS_SECRET",
      "JWT_SECRET_SECRET", "ADMIN_TOKEN_SECRET", "REDIS_PASSWORD_SECRET",
    ])) == 0
    error_message = "env must not hold secrets (use secret_env) nor settings that have their own variable here (the chart sets those and refuses duplicates)."
  }
}

variable "labels" {
  description = "Labels put on the cluster."
  type        = map(string)
  default     = { app = "hedera-playground-assistant" }
}

variable "llm_provider" {
  description = "The chart's llm.provider (LLM_PROVIDER): openai, vertex (Gemini on Vertex AI with the workload's Google service account) or offline."
  type        = string
  default     = "openai"

  validation {
    condition     = contains(["openai", "vertex", "offline"], var.llm_provider)
    error_message = "llm_provider must be openai, vertex or offline."
  }
}

variable "vertex" {
  description = "With llm_provider = \"vertex\": location (null: region) and model (publisher/model) for the chart's vertex values; the project is project_id."
  type = object({
    location = optional(string)
    model    = optional(string, "google/gemini-2.5-flash")
  })
  default = {}
}

variable "byok" {
  description = "Users' own keys: the Cloud KMS key name (BYOK_KMS_KEY_NAME, empty: off) and the allowed models (BYOK_MODELS) for the chart's byok values."
  type = object({
    kms_key_name = optional(string, "")
    models       = optional(list(string), [])
  })
  default = {}

  validation {
    condition     = var.byok.kms_key_name == "" || can(regex("^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$", var.byok.kms_key_name))
    error_message = "byok.kms_key_name must be projects/P/locations/L/keyRings/R/cryptoKeys/K or empty."
  }
}
