# Gemini on Vertex AI (llm_provider = "vertex"): the runtimes' service accounts may call it; no key exists.
# On GKE the pod acts as its Google service account through Workload Identity (modules/gke).

resource "google_project_iam_member" "vertex_user" {
  for_each = var.llm_provider == "vertex" ? local.runtime_members : {}

  project = var.project_id
  role    = "roles/aiplatform.user"
  member  = each.value
}
