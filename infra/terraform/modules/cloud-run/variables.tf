variable "project_id" {
  description = "Google Cloud project of the service."
  type        = string
}

variable "region" {
  description = "Region of the service, e.g. europe-west1."
  type        = string
}

variable "service_name" {
  description = "Name of the Cloud Run service."
  type        = string
  default     = "hedera-playground-assistant"

  validation {
    condition     = can(regex("^[a-z]([a-z0-9-]{0,47}[a-z0-9])?$", var.service_name))
    error_message = "service_name must be 1-49 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "service_account_id" {
  description = "account_id of the service account created for the service (the part before @)."
  type        = string
  default     = "hpa-cloud-run"

  validation {
    condition     = can(regex("^[a-z]([a-z0-9-]{4,28}[a-z0-9])$", var.service_account_id))
    error_message = "service_account_id must be 6-30 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "image" {
  description = "Container image to run, e.g. europe-west1-docker.pkg.dev/PROJECT/hedera-playground-assistant/hedera-playground-assistant:TAG."
  type        = string

  validation {
    condition     = length(trimspace(var.image)) > 0
    error_message = "image must not be empty."
  }
}

variable "container_port" {
  description = "Port the server listens on (Cloud Run passes it as PORT; the server's default is 3001)."
  type        = number
  default     = 3001

  validation {
    condition     = var.container_port >= 1 && var.container_port <= 65535
    error_message = "container_port must be between 1 and 65535."
  }
}

variable "health_path" {
  description = "HTTP path of the startup and liveness probes: the server's liveness endpoint (200 while the process is alive, also while it drains)."
  type        = string
  default     = "/health"

  validation {
    condition     = startswith(var.health_path, "/")
    error_message = "health_path must start with /."
  }
}

variable "timeout_seconds" {
  description = "Request timeout. A WebSocket lives at most this long on Cloud Run, so the default is the maximum, 3600."
  type        = number
  default     = 3600

  validation {
    condition     = var.timeout_seconds >= 1 && var.timeout_seconds <= 3600 && floor(var.timeout_seconds) == var.timeout_seconds
    error_message = "timeout_seconds must be a whole number from 1 to 3600."
  }
}

variable "session_affinity" {
  description = "Send a client's requests to the same instance when possible (helps WebSocket reconnects resume)."
  type        = bool
  default     = true
}

variable "max_concurrency" {
  description = "Most requests (open WebSockets and streams count) one instance serves at once."
  type        = number
  default     = 80

  validation {
    condition     = var.max_concurrency >= 1 && var.max_concurrency <= 1000
    error_message = "max_concurrency must be between 1 and 1000."
  }
}

variable "scaling" {
  description = "Instance count range of the service."
  type = object({
    min_instance_count = optional(number, 0)
    max_instance_count = optional(number, 3)
  })
  default = {}

  validation {
    condition     = var.scaling.min_instance_count >= 0 && var.scaling.max_instance_count >= 1 && var.scaling.min_instance_count <= var.scaling.max_instance_count
    error_message = "scaling needs 0 <= min_instance_count <= max_instance_count and max_instance_count >= 1."
  }
}

variable "resources" {
  description = "CPU and memory of the container. startup_cpu_boost gives extra CPU while the instance starts. cpu_idle = false (the default) keeps CPU allocated outside requests, so answers whose client dropped keep streaming for resume; true throttles them (docs/deploy-terraform.md)."
  type = object({
    cpu               = optional(string, "1")
    memory            = optional(string, "1Gi")
    cpu_idle          = optional(bool, false)
    startup_cpu_boost = optional(bool, true)
  })
  default = {}

  validation {
    condition     = can(regex("^[0-9]+(m|Mi|Gi)?$", var.resources.cpu)) && can(regex("^[0-9]+(Mi|Gi)$", var.resources.memory))
    error_message = "resources.cpu must look like \"1\" or \"1000m\" and resources.memory like \"512Mi\" or \"1Gi\"."
  }
}

variable "ingress" {
  description = "Who may reach the service at the network level."
  type        = string
  default     = "INGRESS_TRAFFIC_ALL"

  validation {
    condition     = contains(["INGRESS_TRAFFIC_ALL", "INGRESS_TRAFFIC_INTERNAL_ONLY", "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"], var.ingress)
    error_message = "ingress must be INGRESS_TRAFFIC_ALL, INGRESS_TRAFFIC_INTERNAL_ONLY or INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER."
  }
}

variable "public" {
  description = "Grant roles/run.invoker to allUsers, so browsers can call the service without a Google identity."
  type        = bool
  default     = true
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

variable "env" {
  description = "Plain environment variables (settings of docs/contract.md). Secrets go in secret_env, never here."
  type        = map(string)
  default     = {}

  validation {
    condition = length(setintersection(keys(var.env), [
      "OPENAI_API_KEY", "API_TOKENS", "JWT_SECRET", "ADMIN_TOKEN", "METRICS_TOKEN", "REDIS_PASSWORD", "PORT", "AUTH_MODE",
    ])) == 0
    error_message = "env must not set secrets (OPENAI_API_KEY, API_TOKENS, JWT_SECRET, ADMIN_TOKEN, METRICS_TOKEN, REDIS_PASSWORD: use secret_env), PORT (set by Cloud Run) or AUTH_MODE (use auth_mode)."
  }
}

variable "secret_env" {
  description = "Environment variables read from Secret Manager by reference: env name => secret id in this project (latest version). The service account gets secretAccessor on each of these secrets only."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.secret_env) : can(regex("^[A-Z][A-Z0-9_]*$", k))])
    error_message = "secret_env keys must be environment variable names (A-Z, 0-9, _)."
  }
}

variable "secret_files" {
  description = "Secrets mounted as files: volume name => { secret id, mount_path (a directory), file_name }. The service account gets secretAccessor on each."
  type = map(object({
    secret     = string
    mount_path = string
    file_name  = string
  }))
  default = {}

  validation {
    condition     = alltrue([for f in values(var.secret_files) : startswith(f.mount_path, "/") && !strcontains(f.file_name, "/")])
    error_message = "secret_files: mount_path must be absolute and file_name a bare file name."
  }
}

variable "vpc_egress" {
  description = "Direct VPC egress (e.g. to reach Memorystore): network and subnetwork names or ids, and egress PRIVATE_RANGES_ONLY or ALL_TRAFFIC. null: no VPC access."
  type = object({
    network    = string
    subnetwork = string
    egress     = optional(string, "PRIVATE_RANGES_ONLY")
  })
  default = null

  validation {
    condition     = var.vpc_egress == null || contains(["PRIVATE_RANGES_ONLY", "ALL_TRAFFIC"], try(var.vpc_egress.egress, ""))
    error_message = "vpc_egress.egress must be PRIVATE_RANGES_ONLY or ALL_TRAFFIC."
  }
}

variable "deletion_protection" {
  description = "Refuse to destroy the service (terraform destroy fails until this is false and applied)."
  type        = bool
  default     = false
}

variable "labels" {
  description = "Labels put on the service."
  type        = map(string)
  default     = {}
}
