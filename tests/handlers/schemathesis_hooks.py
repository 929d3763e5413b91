"""schemathesis hooks for tests/handlers/test_fuzz.py (loaded through ``SCHEMATHESIS_HOOKS``)."""

from __future__ import annotations

from typing import Any

import schemathesis


@schemathesis.serializer("application/zip")
def zip_body(ctx: schemathesis.SerializationContext, value: Any) -> dict[str, Any]:
    """A project archive's bytes, sent as they are (valid archives are tests/projects')."""
    return {"data": value.encode() if isinstance(value, str) else value}
