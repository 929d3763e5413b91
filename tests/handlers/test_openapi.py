"""The OpenAPI document is valid, matches the handler table exactly, and is served."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from openapi_spec_validator import validate

from omnipanel_lab.handlers import handler_table
from omnipanel_lab.handlers.base import API_PREFIX

DOCUMENT = Path(__file__).parents[2] / "schema" / "openapi.yaml"
METHODS = ("get", "post", "put", "patch", "delete")


def load() -> dict[str, Any]:
    return yaml.safe_load(DOCUMENT.read_text())


def implemented_operations() -> set[tuple[str, str]]:
    operations = set()
    for pattern, handler in handler_table():
        path = pattern.removeprefix(API_PREFIX)
        path = re.sub(r"\(\?P<(\w+)>\[\^/\]\+\)", r"{\1}", path)
        expanded = [path]
        if "(?P<extension>yaml|json)" in path:
            expanded = [
                path.replace(r"\.(?P<extension>yaml|json)", f".{ext}") for ext in ("yaml", "json")
            ]
        for method in METHODS:
            if method in vars(handler):
                operations |= {(p, method) for p in expanded}
    return operations


def test_document_is_valid_openapi_3_1() -> None:
    document = load()
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_document_and_handlers_describe_the_same_operations() -> None:
    documented = {
        (path, method)
        for path, item in load()["paths"].items()
        for method in METHODS
        if method in item
    }
    assert documented == implemented_operations()


async def test_document_is_served_as_yaml_and_json(as_user: Any) -> None:
    fetch = as_user("alice")
    as_yaml = await fetch("openapi.yaml")
    assert as_yaml.code == 200
    assert as_yaml.headers["Content-Type"].startswith("application/yaml")
    assert yaml.safe_load(as_yaml.body) == load()
    as_json = await fetch("openapi.json")
    assert json.loads(as_json.body) == load()
