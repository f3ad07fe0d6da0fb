variable "project_id" {
  description = "Google Cloud project that owns the secret."
  type        = string
}

variable "secret_id" {
  description = "Name of the secret, e.g. OPENAI_API_KEY."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,255}$", var.secret_id))
    error_message = "secret_id may only hold letters, digits, underscores and hyphens (1-255)."
  }
}

variable "replica_locations" {
  description = "Regions to replicate the secret to; empty lets Google choose (automatic replication)."
  type        = list(string)
  default     = []
}

variable "create_version" {
  description = "Write secret_data as a version of the secret. The value is then stored in Terraform state: keep false and add the version with gcloud unless the state is protected."
  type        = bool
  default     = false
}

variable "secret_data" {
  description = "Value of the version written when create_version is true."
  type        = string
  default     = null
  sensitive   = true
}

variable "labels" {
  description = "Labels put on the secret."
  type        = map(string)
  default     = {}
}
