"""The rules docs/deploy-container.md promises for the workflows and cloudbuild.yaml.

actionlint (scripts/check-workflows.sh) checks that the workflows are valid; these tests check
what they do: keyless Google Cloud auth, the tag trigger, gated deploys, minimal permissions, and a
cloudbuild.yaml whose substitutions all resolve to one Artifact Registry image.
"""
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"


def load(path: Path) -> dict:
    # PyYAML reads the key `on` as True (YAML 1.1); map it back.
    data = yaml.safe_load(path.read_text())
    if True in data:
        data["on"] = data.pop(True)
    return data


CI = load(WORKFLOWS / "ci.yml")
RELEASE = load(WORKFLOWS / "release.yml")
CLOUDBUILD = yaml.safe_load((ROOT / "cloudbuild.yaml").read_text())


def steps(job: dict) -> list:
    return job.get("steps", [])


def uses(job: dict, action: str) -> list:
    return [s for s in steps(job) if str(s.get("uses", "")).split("@")[0] == action]


def all_steps(wf: dict):
    for name, job in wf["jobs"].items():
        for s in steps(job):
            yield name, s


@pytest.mark.parametrize("path", ["ci.yml", "release.yml"])
def test_third_party_actions_are_pinned_by_commit_sha_with_the_release_named(path):
    lines = [line.strip() for line in (WORKFLOWS / path).read_text().splitlines() if re.match(r"\s*(- )?uses: ", line)]
    assert lines
    for line in lines:
        if "uses: ./" in line:
            continue  # a workflow of this repository
        assert re.search(r"uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$", line), line


def test_the_go_that_builds_the_tools_is_pinned():
    (go,) = uses(CI["jobs"]["test"], "actions/setup-go")
    assert re.fullmatch(r"\d+\.\d+\.\d+", str(go["with"]["go-version"]))


def test_release_is_gated_on_ci_of_the_tagged_commit():
    assert "workflow_call" in CI["on"]
    assert RELEASE["jobs"]["ci"]["uses"] == "./.github/workflows/ci.yml"
    assert RELEASE["jobs"]["image"]["needs"] == "ci"
    # every deploy needs the image, so nothing is released before CI passes
    assert {RELEASE["jobs"][j]["needs"] for j in ("cloud-run", "gke")} == {"image"}


@pytest.mark.parametrize("wf", [CI, RELEASE], ids=["ci", "release"])
def test_top_level_permissions_are_read_only(wf):
    assert wf["permissions"] == {"contents": "read"}


def test_ci_runs_on_push_and_pull_request_with_node_24():
    assert {"push", "pull_request"} <= set(CI["on"])
    test = CI["jobs"]["test"]
    (node,) = uses(test, "actions/setup-node")
    assert str(node["with"]["node-version"]) == "24"
    runs = [s.get("run", "") for s in steps(test)]
    assert "npm ci" in runs
    assert "npm run typecheck" in runs
    assert "npm run lint" in runs
    assert "npm test" in runs
    assert all("permissions" not in j or j["permissions"].get("id-token") != "write" for j in CI["jobs"].values())


def test_ci_smoke_runs_the_real_image():
    script = "\n".join(s.get("run", "") for s in steps(CI["jobs"]["image"]))
    assert "docker build" in script
    assert "--read-only" in script
    assert "/api/playground/assistant/health" in script
    assert "docker stop" in script and "ExitCode" in script


def test_release_runs_on_version_tags_only():
    assert RELEASE["on"] == {"push": {"tags": ["v*"]}}


def test_release_authenticates_with_workload_identity_federation_only():
    text = (WORKFLOWS / "release.yml").read_text()
    assert "credentials_json" not in text
    assert "secrets." not in text  # no keys stored in the repository at all
    for name, job in RELEASE["jobs"].items():
        if "uses" in job:
            continue  # the CI gate: a reusable workflow, no Google Cloud access
        auth = uses(job, "google-github-actions/auth")
        assert len(auth) == 1, name
        w = auth[0]["with"]
        assert w == {
            "workload_identity_provider": "${{ vars.GCP_WORKLOAD_IDENTITY_PROVIDER }}",
            "service_account": "${{ vars.GCP_SERVICE_ACCOUNT }}",
        }
        assert job["permissions"] == {"contents": "read", "id-token": "write"}, name
        # auth comes before any step that talks to Google Cloud
        names = [str(s.get("uses", s.get("name", ""))) for s in steps(job)]
        first_auth = next(i for i, n in enumerate(names) if n.startswith("google-github-actions/auth"))
        for i, s in enumerate(steps(job)):
            if "gcloud" in s.get("run", "") or "setup-gcloud" in str(s.get("uses", "")):
                assert i > first_auth, (name, s)


def test_release_pushes_to_artifact_registry_and_exports_the_digest():
    job = RELEASE["jobs"]["image"]
    (push,) = [s for s in steps(job) if s.get("id") == "push"]
    assert 'gcloud auth configure-docker "$host"' in push["run"]
    assert '"${REGION}-docker.pkg.dev"' in push["run"]
    assert "docker push" in push["run"]
    assert set(job["outputs"]) == {"repository", "tag", "digest"}


def test_deploys_are_gated_by_repository_variables_and_use_the_pushed_digest():
    run = RELEASE["jobs"]["cloud-run"]
    assert run["needs"] == "image" and run["if"] == "vars.DEPLOY_CLOUD_RUN == 'true'"
    (deploy,) = [s for s in steps(run) if "gcloud run services update" in s.get("run", "")]
    assert deploy["env"]["IMAGE"] == "${{ needs.image.outputs.repository }}@${{ needs.image.outputs.digest }}"
    assert '--image "$IMAGE"' in deploy["run"]

    gke = RELEASE["jobs"]["gke"]
    assert gke["needs"] == "image" and gke["if"] == "vars.DEPLOY_GKE == 'true'"
    assert any("gcloud container clusters get-credentials" in s.get("run", "") for s in steps(gke))
    script = "\n".join(s.get("run", "") for s in steps(gke))
    assert "helm upgrade --install hedera-playground-assistant charts/hedera-playground-assistant" in script
    for key in ("image.repository", "image.tag", "image.digest"):
        assert f"--set-string \"{key}=" in script


def test_the_helm_step_targets_the_chart_in_this_repo():
    assert (ROOT / "charts" / "hedera-playground-assistant").is_dir() or pytest.skip("chart not in this tree yet")


def test_cloudbuild_substitutions_resolve_to_one_artifact_registry_image():
    subs = CLOUDBUILD["substitutions"]
    assert set(subs) == {"_REGION", "_REPOSITORY", "_IMAGE", "_TAG"}
    text = (ROOT / "cloudbuild.yaml").read_text().split("substitutions:", 1)[1]
    used = set(re.findall(r"\$\{(_[A-Z0-9_]+)\}|\$(_[A-Z0-9_]+)", text))
    used = {a or b for a, b in used}
    assert used == set(subs), "every substitution is used and every used one is defined (MUST_MATCH)"
    (build,) = CLOUDBUILD["steps"]
    assert build["name"] == "gcr.io/cloud-builders/docker"
    assert build["args"][0] == "build" and build["args"][-1] == "."
    tag = next(a.split("=", 1)[1] for a in build["args"] if a.startswith("--tag="))
    assert CLOUDBUILD["images"] == [tag]
    rendered = tag.replace("$PROJECT_ID", "my-project")
    for k, v in subs.items():
        rendered = rendered.replace("${%s}" % k, v)
    assert re.fullmatch(r"[a-z0-9-]+-docker\.pkg\.dev/my-project/[a-z0-9-]+/[a-z0-9-]+:[\w][\w.-]{0,127}", rendered), rendered
    assert CLOUDBUILD["options"]["logging"] == "CLOUD_LOGGING_ONLY"
