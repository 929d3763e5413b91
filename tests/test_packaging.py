"""The installed package: both halves of the extension are found and enabled by Jupyter, and
the Python versions it claims are the ones its suite runs on."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

JUPYTER = str(Path(sys.executable).with_name("jupyter"))
PYPROJECT = Path(__file__).parents[1] / "pyproject.toml"


def jupyter_output(*args: str) -> str:
    done = subprocess.run([JUPYTER, *args], capture_output=True, text=True, timeout=120, check=True)
    # Strip the colour codes that Jupyter prints around "enabled" and "OK".
    return re.sub(r"\x1b\[[0-9;]*m", "", done.stdout + done.stderr)


def test_server_extension_is_enabled_and_loads() -> None:
    output = jupyter_output("server", "extension", "list")
    assert re.search(r"omnipanel_lab enabled", output), output
    assert re.search(r"omnipanel_lab\s+\S+\s+OK", output), output


def test_labextension_is_installed_prebuilt_and_enabled() -> None:
    output = jupyter_output("labextension", "list")
    assert re.search(r"omnipanel-lab v\S+ enabled\s+OK \(python, omnipanel-lab\)", output), output


@pytest.mark.parametrize(
    "module", ["sqlalchemy", "alembic", "psycopg", "llama_cpp", "numpy", "httpx"]
)
def test_importing_the_extension_keeps_heavy_modules_lazy(module: str) -> None:
    code = f"import sys, omnipanel_lab, omnipanel_lab.app; print({module!r} in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_requires_python_is_the_version_the_suite_runs_on() -> None:
    """requires-python's lower bound is this interpreter's version, so a claimed version is a
    tested one (3.10 was claimed while the code needed 3.11's ``Task.cancelling()``)."""
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    match = re.fullmatch(r">=\s*3\.(\d+)", project["requires-python"])
    assert match, project["requires-python"]
    assert int(match[1]) == sys.version_info.minor
    classifiers = {c for c in project["classifiers"] if re.fullmatch(r".*Python :: 3\.\d+", c)}
    assert classifiers == {f"Programming Language :: Python :: 3.{sys.version_info.minor}"}
