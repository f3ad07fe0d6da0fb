/**
 * Cloud Run (v2) service running the server, with its own service account.
 * Secrets reach the container by reference (env value_source.secret_key_ref); the service
 * account may read exactly those secrets and nothing else in the project.
 */

locals {
  # Every secret the revision reads: env vars and mounted files.
  secret_ids = toset(concat(values(var.secret_env), [for f in values(var.secret_files) : f.secret]))
}

resource "google_service_account" "runtime" {
  project      = var.project_id
  account_id   = var.service_account_id
  display_name = "Cloud Run runtime of ${var.service_name}"
}

resource "google_secret_manager_secret_iam_member" "runtime" {
  for_each = local.secret_ids

  project   = var.project_id
  secret_id = each.value
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.runtime.member
}

resource "google_cloud_run_v2_service" "this" {
  project             = var.project_id
  name                = var.service_name
  location            = var.region
  ingress             = var.ingress
  deletion_protection = var.deletion_protection
  labels              = var.labels

  template {
    service_account                  = google_service_account.runtime.email
    timeout                          = "${var.timeout_seconds}s"
    session_affinity                 = var.session_affinity
    max_instance_request_concurrency = var.max_concurrency
    execution_environment            = "EXECUTION_ENVIRONMENT_GEN2"

    scaling {
      min_instance_count = var.scaling.min_instance_count
      max_instance_count = var.scaling.max_instance_count
    }

    dynamic "vpc_access" {
      for_each = var.vpc_egress == null ? [] : [var.vpc_egress]
      content {
        egress = vpc_access.value.egress
        network_interfaces {
          network    = vpc_access.value.network
          subnetwork = vpc_access.value.subnetwork
        }
      }
    }

    containers {
      image = var.image

      ports {
        name           = "http1"
        container_port = var.container_port
      }

      resources {
        limits = {
          cpu    = var.resources.cpu
          memory = var.resources.memory
        }
        cpu_idle          = var.resources.cpu_idle
        startup_cpu_boost = var.resources.startup_cpu_boost
      }

      # Plain settings (never secrets: the variable's validation refuses secret names).
      dynamic "env" {
        for_each = merge(var.env, { AUTH_MODE = var.auth_mode })
        content {
          name  = env.key
          value = env.value
        }
      }

      # Secrets, by reference to Secret Manager: the value never appears in the service spec.
      dynamic "env" {
        for_each = var.secret_env
        content {
          name = env.key
          value_source {
            secret_key_ref {
              secret  = env.value
              version = "latest"
            }
          }
        }
      }

      dynamic "volume_mounts" {
        for_each = var.secret_files
        content {
          name       = volume_mounts.key
          mount_path = volume_mounts.value.mount_path
        }
      }

      # Both probes on the liveness endpoint (200 while the process is alive, also while draining or while
      # Redis is away). Cloud Run has no readiness probe: it stops routing to an instance it sent SIGTERM.
      startup_probe {
        initial_delay_seconds = 0
        period_seconds        = 2
        timeout_seconds       = 2
        failure_threshold     = 30

        http_get {
          path = var.health_path
          port = var.container_port
        }
      }

      liveness_probe {
        period_seconds    = 15
        timeout_seconds   = 3
        failure_threshold = 3

        http_get {
          path = var.health_path
          port = var.container_port
        }
      }
    }

    dynamic "volumes" {
      for_each = var.secret_files
      content {
        name = volumes.key
        secret {
          secret = volumes.value.secret
          items {
            version = "latest"
            path    = volumes.value.file_name
          }
        }
      }
    }
  }

  traffic {
    type    = "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST"
    percent = 100
  }

  lifecycle {
    precondition {
      condition     = var.auth_mode != "token" || contains(keys(var.secret_env), "API_TOKENS") || contains(keys(var.env), "API_TOKENS_SECRET")
      error_message = "auth_mode \"token\" needs the API_TOKENS secret (secret_env.API_TOKENS)."
    }
    precondition {
      condition     = var.auth_mode != "jwt" || contains(keys(var.secret_env), "JWT_SECRET") || contains(keys(var.env), "JWT_JWKS_URL")
      error_message = "auth_mode \"jwt\" needs JWT_JWKS_URL in env or the JWT_SECRET secret (secret_env.JWT_SECRET)."
    }
    # The server refuses to start with a JWKS URL but no issuer or audience (tokens of other apps signed by
    # the same keys would pass): say so at plan time instead of as a crashing revision.
    precondition {
      condition     = var.auth_mode != "jwt" || lookup(var.env, "JWT_JWKS_URL", "") == "" || (lookup(var.env, "JWT_ISSUER", "") != "" && lookup(var.env, "JWT_AUDIENCE", "") != "")
      error_message = "auth_mode \"jwt\" with a JWKS URL needs JWT_ISSUER and JWT_AUDIENCE too (jwt_issuer and jwt_audience), so tokens issued for other apps are refused."
    }

    # One owner per field: release.yml deploys each new image (google-github-actions/deploy-cloudrun,
    # which also stamps client and client_version); Terraform owns everything else. Without this, the next
    # `terraform apply` would roll the service back to var.image.
    ignore_changes = [
      client,
      client_version,
      template[0].containers[0].image,
    ]
  }

  # A revision that reads a secret it may not access fails to start: grant first.
  depends_on = [google_secret_manager_secret_iam_member.runtime]
}

resource "google_cloud_run_v2_service_iam_member" "public" {
  count = var.public ? 1 : 0

  project  = google_cloud_run_v2_service.this.project
  location = google_cloud_run_v2_service.this.location
  name     = google_cloud_run_v2_service.this.name
  role     = "roles/run.invoker"
  member   = "allUsers"
}
