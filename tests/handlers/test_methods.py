"""A method a resource does not have is a 405 that says which ones it has."""

from __future__ import annotations

import json
from typing import Any


async def test_an_unknown_method_is_a_405_with_allow_and_a_message(as_user: Any) -> None:
    response = await as_user("alice")("tags", method="PUT", body="{}")
    assert response.code == 405
    assert response.headers["Allow"] == "GET"
    assert json.loads(response.body)["message"].startswith("PUT is not allowed on ")
    chat = await as_user("alice")(
        "chats", "1b4e28ba-2fa1-11d2-883f-0016d3cca427", method="POST", body="{}"
    )
    assert chat.code == 405
    assert chat.headers["Allow"] == "GET, PATCH, DELETE"
