/**
 * GKE Autopilot cluster running the server from the project's Helm chart.
 * Workload Identity: the chart's Kubernetes service account is bound to a Google service
 * account that may read only the given secrets; the app reads them itself (X_SECRET settings),
 * so no Kubernetes Secret ever holds the OpenAI key.
 * The helm and kubernetes providers are configured by the caller from this module's
 * cluster_endpoint and cluster_ca_certificate outputs.
 */

locals {
  ksa_name     = "hedera-playground-assistant"
  release_name = "hedera-playground-assistant"
  chart_path   = coalesce(var.chart_path, "${path.module}/../../../../charts/hedera-playground-assistant")
  wi_member    = "serviceAccount:${var.project_id}.svc.id.goog[${var.namespace}/${local.ksa_name}]"

  # X_SECRET settings: env name => version path the app reads with its Workload Identity.
  secret_versions = { for name, secret in var.secret_env : name => "projects/${var.project_id}/secrets/${secret}/versions/latest" }

  # Keys of charts/hedera-playground-assistant/values.yaml. The chart renders every setting it has a
  # value for and refuses the same name in env, so settings go to their own keys and env holds the rest.
  chart_values = {
    image = {
      repository = var.image_repository
      tag        = var.image_tag
    }
    serviceAccount = {
      create = true
      name   = local.ksa_name
      annotations = {
        "iam.gke.io/gcp-service-account" = google_service_account.workload.email
      }
    }
    openai = {
      apiKeySecretVersion = lookup(local.secret_versions, "OPENAI_API_KEY", "")
      model               = var.openai_model
    }
    llm = {
      provider = var.llm_provider
    }
    vertex = {
      project  = var.llm_provider == "vertex" ? var.project_id : ""
      location = var.llm_provider == "vertex" ? coalesce(var.vertex.location, var.region) : ""
      model    = var.vertex.model
    }
    byok = {
      kmsKeyName = var.byok.kms_key_name
      models     = var.byok.models
    }
    service = {
      type = "LoadBalancer"
      port = 80
    }
    auth = {
      mode                = var.auth_mode
      gatewayHeader       = var.auth_gateway_header
      tokensSecretVersion = lookup(local.secret_versions, "API_TOKENS", "")
      jwt = {
        secretVersion = lookup(local.secret_versions, "JWT_SECRET", "")
        jwksUrl       = var.jwt.jwks_url
        issuer        = var.jwt.issuer
        audience      = var.jwt.audience
      }
    }
    admin = {
      tokenSecretVersion = lookup(local.secret_versions, "ADMIN_TOKEN", "")
    }
    redis = {
      url                   = var.redis_url
      passwordSecretVersion = lookup(local.secret_versions, "REDIS_PASSWORD", "")
    }
    rateLimits = {
      connectionsPerMinute = var.rate_limits.connections_per_minute
      chatsPerMinute       = var.rate_limits.chats_per_minute
      concurrentAnswers    = var.rate_limits.concurrent_answers
      socketsPerUser       = var.rate_limits.sockets_per_user
      dailyTokenLimit      = var.rate_limits.daily_token_limit
      tokenBudgetPeriod    = var.token_budget_period
    }
    logLevel         = var.log_level
    corsOrigins      = var.cors_origins
    trustedProxyHops = var.trusted_proxy_hops
    env              = var.env
  }
}

resource "google_container_cluster" "this" {
  #checkov:skip=CKV_GCP_12:Autopilot runs GKE Dataplane V2, which enforces NetworkPolicy; the setting cannot be changed on Autopilot.
  #checkov:skip=CKV_GCP_61:Autopilot manages intranode visibility; VPC flow logs are on in the subnetwork this root creates.
  #checkov:skip=CKV_GCP_69:Autopilot always runs the GKE metadata server (Workload Identity is always on).
  #checkov:skip=CKV_GCP_66:Binary Authorization needs a project policy and attestors this project does not have; images come from its own repository.
  #checkov:skip=CKV_GCP_20:terraform (helm, kubernetes providers) reaches the control plane from where it runs, e.g. Cloud Shell, whose address is not fixed; access is still IAM-authenticated.
  #checkov:skip=CKV_GCP_65:Google Groups for RBAC needs a Workspace domain; access is granted with IAM roles.
  project          = var.project_id
  name             = var.cluster_name
  location         = var.region
  enable_autopilot = true
  network          = var.network
  subnetwork       = var.subnetwork

  deletion_protection = var.deletion_protection
  resource_labels     = var.labels

  release_channel {
    channel = var.release_channel
  }

  # Let GKE pick the Pod and Service ranges in the subnetwork (VPC-native).
  ip_allocation_policy {}

  # Nodes without public IPs reach OpenAI through Cloud NAT (created with the root's network).
  private_cluster_config {
    enable_private_nodes    = var.private_nodes
    enable_private_endpoint = false
  }

  master_auth {
    client_certificate_config {
      issue_client_certificate = false
    }
  }
}

resource "google_service_account" "workload" {
  project      = var.project_id
  account_id   = var.service_account_id
  display_name = "GKE workload ${var.namespace}/${local.ksa_name}"
}

resource "google_secret_manager_secret_iam_member" "workload" {
  for_each = var.secret_env

  project   = var.project_id
  secret_id = each.value
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.workload.member
}

# The chart's Kubernetes service account may act as the Google service account.
resource "google_service_account_iam_member" "workload_identity" {
  service_account_id = google_service_account.workload.name
  role               = "roles/iam.workloadIdentityUser"
  member             = local.wi_member

  # The <project>.svc.id.goog pool exists once the first cluster with Workload Identity does.
  depends_on = [google_container_cluster.this]
}

resource "helm_release" "app" {
  name             = local.release_name
  chart            = local.chart_path
  namespace        = var.namespace
  create_namespace = true
  atomic           = true
  wait             = true
  timeout          = var.helm_timeout_seconds

  values = [yamlencode(local.chart_values)]

  lifecycle {
    precondition {
      condition     = var.llm_provider == "vertex" || contains(keys(var.secret_env), "OPENAI_API_KEY")
      error_message = "secret_env must name the OPENAI_API_KEY secret (only llm_provider \"vertex\" needs no key)."
    }
    precondition {
      condition     = var.auth_mode != "token" || contains(keys(var.secret_env), "API_TOKENS")
      error_message = "auth_mode \"token\" needs the API_TOKENS secret (secret_env.API_TOKENS)."
    }
    precondition {
      condition     = var.auth_mode != "jwt" || contains(keys(var.secret_env), "JWT_SECRET") || var.jwt.jwks_url != ""
      error_message = "auth_mode \"jwt\" needs jwt.jwks_url or the JWT_SECRET secret (secret_env.JWT_SECRET)."
    }
    precondition {
      condition     = var.auth_mode != "jwt" || var.jwt.jwks_url == "" || (var.jwt.issuer != "" && var.jwt.audience != "")
      error_message = "auth_mode \"jwt\" with jwt.jwks_url needs jwt.issuer and jwt.audience too, so tokens issued for other apps are refused."
    }

    # One owner: Terraform installs the release (first image: var.image_tag); from then on release.yml owns
    # it (helm upgrade --reset-then-reuse-values with each new image and HELM_VALUES_FILE). An upgrade
    # from Terraform would send its own image tag again and roll the release back, so it makes none.
    # To re-apply changed Terraform values deliberately, see docs/deploy-terraform.md ("Who owns what").
    ignore_changes = all
  }

  depends_on = [
    google_secret_manager_secret_iam_member.workload,
    google_service_account_iam_member.workload_identity,
  ]
}

# The chart's LoadBalancer Service, read back once the release is up (helm waits for its IP).
data "kubernetes_service_v1" "app" {
  metadata {
    name      = local.release_name
    namespace = var.namespace
  }

  depends_on = [helm_release.app]
}
