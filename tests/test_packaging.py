"""The installed package: both halves of the extension are found and enabled by Jupyter."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

JUPYTER = str(Path(sys.executable).with_name("jupyter"))


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
