"""scripts/install-tools.sh and scripts/lib.sh: a pinned tool already on PATH is used instead of built, and
every tool reports how long it took. Each case runs the real scripts in a scratch copy of the layout they
expect (scripts/lib.sh beside scripts/tools/), with fake tools and a fake `go` that records what it is asked."""
import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[1]


def _executable(path, text):
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


@pytest.fixture
def scratch(tmp_path):
    root = tmp_path / "repo"
    (root / "scripts" / "tools").mkdir(parents=True)
    shutil.copy(SCRIPTS / "lib.sh", root / "scripts" / "lib.sh")
    shutil.copy(SCRIPTS / "install-tools.sh", root / "scripts" / "install-tools.sh")
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    # A `go` that records its arguments and "builds" the binary into GOBIN.
    _executable(fake_bin / "go", '#!/bin/sh\necho "$@" >> "$GO_LOG"\nprintf "#!/bin/sh\\necho built\\n" > "$GOBIN/terraform"\n'
                                  'chmod +x "$GOBIN/terraform"\n')
    env = {**os.environ, "PATH": f"{fake_bin}:{os.environ['PATH']}", "HPA_CACHE_DIR": str(tmp_path / "cache"),
           "GO_LOG": str(tmp_path / "go.log")}
    return root, fake_bin, env, tmp_path / "go.log"


def _go_tool(root, env):
    return subprocess.run(["bash", "-c", "source scripts/lib.sh; go_tool terraform github.com/hashicorp/terraform@v1.8.5"],
                          cwd=root, env=env, capture_output=True, text=True, check=True)


def test_a_tool_on_path_with_the_pinned_version_is_linked_not_built(scratch):
    root, fake_bin, env, go_log = scratch
    _executable(fake_bin / "terraform", '#!/bin/sh\necho "Terraform v1.8.5"\necho "on linux_amd64"\n')
    result = _go_tool(root, env)
    assert os.readlink(root / ".tools" / "bin" / "terraform") == str(fake_bin / "terraform")
    assert not go_log.exists(), "go was run although the pinned terraform is on PATH"
    assert "it is the pinned 1.8.5" in result.stderr


@pytest.mark.parametrize("reported", ["Terraform v1.8.50", "Terraform v1.8.4", "Terraform v11.8.5"])
def test_another_version_on_path_is_ignored_and_the_pinned_one_built(scratch, reported):
    root, fake_bin, env, go_log = scratch
    _executable(fake_bin / "terraform", f'#!/bin/sh\necho "{reported}"\n')
    result = _go_tool(root, env)
    assert go_log.read_text().split() == ["install", "github.com/hashicorp/terraform@v1.8.5"]
    link = os.readlink(root / ".tools" / "bin" / "terraform")
    assert link.startswith(env["HPA_CACHE_DIR"]), link
    assert "building github.com/hashicorp/terraform@v1.8.5 from source" in result.stderr


def test_install_tools_prints_one_line_per_tool_with_its_time(scratch):
    root, _, env, _ = scratch
    for name in ("alpha", "beta"):
        _executable(root / "scripts" / "tools" / f"{name}.sh", "#!/bin/sh\nsleep 0.2\n")
    result = subprocess.run(["bash", "scripts/install-tools.sh"], cwd=root, env=env, capture_output=True, text=True, check=True)
    lines = result.stderr.strip().splitlines()
    assert [re.sub(r"\d+\.\d", "T", line) for line in lines] == [
        "[install-tools] 1/2 alpha: T s",
        "[install-tools] 2/2 beta: T s",
        "[install-tools] all tools ready in T s",
    ]
    times = [float(re.search(r"(\d+\.\d) s$", line).group(1)) for line in lines]
    assert all(t >= 0.2 for t in times[:2]) and times[2] >= 0.4, times
