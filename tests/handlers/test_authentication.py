"""Every operation of the OpenAPI document refuses a request without credentials, and a
browser's cookie-authenticated request needs the XSRF token.

The server runs with jupyter_server's defaults (its token login, and
``allow_unauthenticated_access`` left on), where each handler's ``@web.authenticated`` is
the only guard: a handler that drops it fails the first test.
"""

from __future__ import annotations

import json
import re
from http.cookies import SimpleCookie
from typing import Any

import pytest
import yaml
from fakes.support import server_config

from omnipanel_lab.handlers.meta import openapi_yaml

METHODS = ("get", "post", "put", "patch", "delete")
# tornado's XSRF check compares the `_xsrf` cookie with the header: a pair the client makes
# itself passes, so that only authentication stands between the request and the handler.
XSRF = "00c0ffee00c0ffee"


@pytest.fixture
def jp_server_config(tmp_path: Any) -> dict[str, Any]:
    config = server_config(db_url=f"sqlite:///{tmp_path / 'omnipanel.db'}")
    config["ServerApp"]["allow_unauthenticated_access"] = True  # jupyter_server's default
    return config


def operations() -> list[tuple[str, str]]:
    paths = yaml.safe_load(openapi_yaml())["paths"]
    return [(method, path) for path, item in paths.items() for method in METHODS if method in item]


def fill(path: str) -> list[str]:
    """URL parts of a documented path, its parameters filled with well-formed values."""
    path = re.sub(r"\{\w+_id\}", "1b4e28ba-2fa1-11d2-883f-0016d3cca427", path)
    return re.sub(r"\{\w+\}", "openai", path).strip("/").split("/")


def test_the_document_has_operations_to_check() -> None:
    assert len(operations()) >= 30


@pytest.mark.parametrize(("method", "path"), operations())
async def test_every_operation_refuses_a_request_without_credentials(
    jp_fetch: Any, method: str, path: str
) -> None:
    response = await jp_fetch(
        "omnipanel",
        "api",
        "v1",
        *fill(path),
        method=method.upper(),
        body=None if method in ("get", "delete") else "{}",
        headers={"Authorization": "", "Cookie": f"_xsrf={XSRF}", "X-XSRFToken": XSRF},
        raise_error=False,
    )
    assert response.code == 403, response.body
    # Refused by @web.authenticated: not by the XSRF check, nor only by @authorized.
    assert json.loads(response.body)["message"] == "Forbidden"


async def login_cookie(jp_fetch: Any) -> str:
    """The cookie jupyter_server gives a browser that logged in with the token."""
    response = await jp_fetch("omnipanel", "api", "v1", "status")
    cookie = SimpleCookie(response.headers["Set-Cookie"])
    return "; ".join(f"{name}={morsel.value}" for name, morsel in cookie.items())


async def test_a_cookie_authenticated_post_needs_the_xsrf_token(jp_fetch: Any) -> None:
    cookie = await login_cookie(jp_fetch)

    async def create(headers: dict[str, str]) -> Any:
        return await jp_fetch(
            "omnipanel",
            "api",
            "v1",
            "projects",
            method="POST",
            body=json.dumps({"name": "From the browser"}),
            headers={"Authorization": "", **headers},
            raise_error=False,
        )

    refused = await create({"Cookie": cookie})
    assert refused.code == 403
    assert "_xsrf" in json.loads(refused.body)["message"]
    accepted = await create({"Cookie": f"{cookie}; _xsrf={XSRF}", "X-XSRFToken": XSRF})
    assert accepted.code == 201, accepted.body
    listing = json.loads((await jp_fetch("omnipanel", "api", "v1", "projects")).body)
    assert [project["name"] for project in listing["items"]] == ["From the browser"]
