"""The offline validator itself: it must fail bad manifests and unknown kinds, never pass them silently."""

from k8s_validate import load_documents, validate_document

BAD_SERVICE = """
apiVersion: v1
kind: Service
metadata: {name: a}
spec: {ports: [{port: 80}], externalTrafficPolicyy: Local}
"""


def test_unknown_field_fails_in_strict_mode():
    (doc,) = load_documents(BAD_SERVICE)
    status, message = validate_document(doc, "1.30.0")
    assert status == "error" and "externalTrafficPolicyy" in message


def test_a_kind_without_schema_that_is_not_a_chart_crd_fails():
    doc = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}
    status, message = validate_document(doc, "1.30.0")
    assert status == "error" and "Couldn't find schema for kind Widget" in message


def test_chart_crds_are_checked_against_their_subset_schema():
    good = {"apiVersion": "cloud.google.com/v1", "kind": "BackendConfig", "metadata": {"name": "b"},
            "spec": {"timeoutSec": 3600}}
    assert validate_document(good, "1.30.0")[0] == "crd"
    bad = {**good, "spec": {"timeoutSec": "3600"}}
    status, message = validate_document(bad, "1.30.0")
    assert status == "error" and "timeoutSec" in message
    typo = {**good, "spec": {"timeoutSec": 3600, "timeoutSecs": 1}}
    assert validate_document(typo, "1.30.0")[0] == "error"


def test_rendered_defaults_are_valid(defaults):
    for doc in defaults.docs:
        status, message = validate_document(doc, "1.30.0")
        assert status == "ok", message
