variable "project_id" {
  description = "Google Cloud project to deploy into."
  type        = string
}

variable "region" {
  description = "Region of the repository and the service."
  type        = string
  default     = "europe-west1"
}

variable "image_tag" {
  description = "Tag of the pushed image to run."
  type        = string
  default     = "latest"
}
