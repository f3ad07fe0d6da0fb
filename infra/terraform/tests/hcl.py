"""Loads the Terraform sources as plain Python data (python-hcl2), with quotes and block markers removed."""
from __future__ import annotations

from pathlib import Path

import hcl2

TF_ROOT = Path(__file__).resolve().parent.parent
REPO_ROOT = TF_ROOT.parent.parent
MODULES = sorted(p for p in (TF_ROOT / "modules").iterdir() if p.is_dir())
EXAMPLES = sorted(p for p in (TF_ROOT / "examples").iterdir() if p.is_dir())
ALL_DIRS = [TF_ROOT, *MODULES, *EXAMPLES]


def _clean(value):
    if isinstance(value, dict):
        return {_unquote(k): _clean(v) for k, v in value.items() if k != "__is_block__"}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, str):
        return _unquote(value)
    return value


def _unquote(text: str) -> str:
    if len(text) >= 2 and text.startswith('"') and text.endswith('"'):
        return text[1:-1]
    return text


def load_dir(path: Path) -> dict[str, list]:
    """All top-level blocks of the .tf files in one directory, merged by block type."""
    merged: dict[str, list] = {}
    for tf in sorted(path.glob("*.tf")):
        with tf.open() as f:
            parsed = _clean(hcl2.load(f))
        for block_type, blocks in parsed.items():
            merged.setdefault(block_type, []).extend(blocks)
    return merged


def resources(path: Path, rtype: str | None = None) -> dict[tuple[str, str], dict]:
    """{(type, name): body} of the resource blocks in a directory."""
    out = {}
    for block in load_dir(path).get("resource", []):
        for typ, named in block.items():
            for name, body in named.items():
                if rtype is None or typ == rtype:
                    out[(typ, name)] = body
    return out


def named_blocks(path: Path, block_type: str) -> dict[str, dict]:
    """{name: body} of variable, module or output blocks."""
    out = {}
    for block in load_dir(path).get(block_type, []):
        out.update(block)
    return out


def dynamic_blocks(body: dict, name: str) -> list[dict]:
    """The `dynamic "<name>"` blocks inside a block body."""
    return [d[name] for d in body.get("dynamic", []) if name in d]
