"""Runs the real terraform CLI on a scratch copy of a module: init without a backend, then plan with -var values."""
from __future__ import annotations

import os
import shutil
import subprocess

TERRAFORM = os.environ.get("TERRAFORM") or shutil.which("terraform")


def init(work):
    assert TERRAFORM, "terraform not found: run scripts/tools/terraform.sh (scripts/check-terraform.sh sets TERRAFORM)"
    subprocess.run([TERRAFORM, "init", "-backend=false", "-input=false", "-no-color"], cwd=work, check=True,
                   capture_output=True, text=True)
    return work


def plan(work, variables):
    args = [TERRAFORM, "plan", "-input=false", "-lock=false", "-refresh=false", "-no-color"]
    for name, value in variables.items():
        args += ["-var", f"{name}={value}"]
    return subprocess.run(args, cwd=work, capture_output=True, text=True)
