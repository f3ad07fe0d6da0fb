"""values.yaml documents every value with `## @param`, and values.schema.json knows every value."""

import json
import re

import yaml

from conftest import CHART


def leaves(node, prefix=""):
    """Dotted paths of every value; empty maps/lists and scalars are leaves."""
    if isinstance(node, dict) and node:
        for key, value in node.items():
            yield from leaves(value, f"{prefix}.{key}" if prefix else key)
    else:
        yield prefix


def test_every_value_has_a_param_line_and_every_param_line_a_value():
    text = (CHART / "values.yaml").read_text()
    values = set(leaves(yaml.safe_load(text)))
    params = set(re.findall(r"^\s*## @param (\S+) \S", text, flags=re.M))
    assert values - params == set(), "values without a ## @param line"
    assert params - values == set(), "## @param lines for values that don't exist"


def test_schema_covers_every_value_and_closes_the_top_level():
    schema = json.loads((CHART / "values.schema.json").read_text())
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["additionalProperties"] is False

    def known(path):
        node = schema
        for part in path.split("."):
            props = node.get("properties", {})
            if part in props:
                node = props[part]
            else:
                # only objects the chart owns are closed; maps and Kubernetes objects stay open
                return node.get("additionalProperties") is not False
        return True

    values = yaml.safe_load((CHART / "values.yaml").read_text())
    assert [p for p in leaves(values) if not known(p)] == []
    assert set(schema["properties"]) - {"global"} == set(values)
