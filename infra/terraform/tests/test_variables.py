"""Every variable is typed and described; every module has the four standard files."""
import pytest

from hcl import ALL_DIRS, MODULES, TF_ROOT, named_blocks


@pytest.mark.parametrize("path", ALL_DIRS, ids=lambda p: str(p.relative_to(TF_ROOT)) or "root")
def test_every_variable_has_type_and_description(path):
    variables = named_blocks(path, "variable")
    assert variables, f"{path} declares no variables"
    for name, body in variables.items():
        assert body.get("type"), f"{path.name}: variable {name} has no type"
        assert len(body.get("description", "")) > 10, f"{path.name}: variable {name} has no description"


@pytest.mark.parametrize("path", ALL_DIRS, ids=lambda p: str(p.relative_to(TF_ROOT)) or "root")
def test_every_output_is_described(path):
    for name, body in named_blocks(path, "output").items():
        assert body.get("description"), f"{path.name}: output {name} has no description"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_module_layout(path):
    for name in ("main.tf", "variables.tf", "outputs.tf", "versions.tf"):
        assert (path / name).is_file(), f"{path.name} lacks {name}"


def test_expected_modules_and_examples():
    assert {p.name for p in MODULES} == {"artifact-registry", "secret", "cloud-run", "gke"}
    assert (TF_ROOT / "examples" / "cloud-run" / "main.tf").is_file()
    assert (TF_ROOT / "examples" / "gke" / "main.tf").is_file()
