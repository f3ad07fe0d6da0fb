variable "project_id" {
  description = "Google Cloud project that owns the repository."
  type        = string
}

variable "location" {
  description = "Region of the repository, e.g. europe-west1 (images are then <location>-docker.pkg.dev/...)."
  type        = string
}

variable "repository_id" {
  description = "Name of the Docker repository."
  type        = string
  default     = "hedera-playground-assistant"

  validation {
    condition     = can(regex("^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$", var.repository_id))
    error_message = "repository_id must be 1-63 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "description" {
  description = "Description shown in the console."
  type        = string
  default     = "Container images of hedera-playground-assistant"
}

variable "immutable_tags" {
  description = "Refuse to move an existing tag to another image (recommended when deploying by tag)."
  type        = bool
  default     = false
}

variable "keep_recent_versions" {
  description = "Cleanup policy: keep this many most recent versions per image and delete untagged ones. 0 turns cleanup off."
  type        = number
  default     = 10

  validation {
    condition     = var.keep_recent_versions >= 0 && floor(var.keep_recent_versions) == var.keep_recent_versions
    error_message = "keep_recent_versions must be a whole number >= 0."
  }
}

variable "kms_key_name" {
  description = "Cloud KMS key for customer-managed encryption of the repository; null uses Google-managed keys."
  type        = string
  default     = null
}

variable "labels" {
  description = "Labels put on the repository."
  type        = map(string)
  default     = {}
}
