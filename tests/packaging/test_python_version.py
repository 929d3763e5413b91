"""The package claims only the Python versions its suite runs on."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).parents[2] / "pyproject.toml"


def test_requires_python_is_the_version_the_suite_runs_on() -> None:
    """requires-python's lower bound is this interpreter's version, so a claimed version is a
    tested one (3.10 was claimed while the code needed 3.11's ``Task.cancelling()``)."""
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    match = re.fullmatch(r">=\s*3\.(\d+)", project["requires-python"])
    assert match, project["requires-python"]
    assert int(match[1]) == sys.version_info.minor
    classifiers = {c for c in project["classifiers"] if re.fullmatch(r".*Python :: 3\.\d+", c)}
    assert classifiers == {f"Programming Language :: Python :: 3.{sys.version_info.minor}"}
