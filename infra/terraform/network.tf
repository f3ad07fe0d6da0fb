# VPC for Memorystore and the GKE cluster: created when either is on and no network is given.

locals {
  create_network = var.network == null && (var.enable_redis || var.enable_gke)
  network        = local.create_network ? google_compute_network.this[0].id : var.network
  subnetwork     = local.create_network ? google_compute_subnetwork.this[0].id : var.subnetwork
}

resource "google_compute_network" "this" {
  #checkov:skip=CKV2_GCP_18:A custom VPC denies all ingress by default; GKE adds the rules its load balancers need.
  count = local.create_network ? 1 : 0

  project                 = var.project_id
  name                    = var.network_name
  auto_create_subnetworks = false

  depends_on = [google_project_service.this]
}

resource "google_compute_subnetwork" "this" {
  count = local.create_network ? 1 : 0

  project                  = var.project_id
  name                     = "${var.network_name}-${var.region}"
  region                   = var.region
  network                  = google_compute_network.this[0].id
  ip_cidr_range            = var.subnet_cidr
  private_ip_google_access = true

  log_config {
    aggregation_interval = "INTERVAL_10_MIN"
    flow_sampling        = 0.5
    metadata             = "INCLUDE_ALL_METADATA"
  }
}

# GKE nodes are private: Cloud NAT gives them egress to the OpenAI API.
resource "google_compute_router" "nat" {
  count = local.create_network && var.enable_gke ? 1 : 0

  project = var.project_id
  name    = "${var.network_name}-nat"
  region  = var.region
  network = google_compute_network.this[0].id
}

resource "google_compute_router_nat" "this" {
  count = local.create_network && var.enable_gke ? 1 : 0

  project                            = var.project_id
  name                               = "${var.network_name}-nat"
  region                             = var.region
  router                             = google_compute_router.nat[0].name
  nat_ip_allocate_option             = "AUTO_ONLY"
  source_subnetwork_ip_ranges_to_nat = "ALL_SUBNETWORKS_ALL_IP_RANGES"

  log_config {
    enable = true
    filter = "ERRORS_ONLY"
  }
}
