"""API keys through the REST API: stored encrypted, shown as the last 4 only, per user."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import create_engine, text

KEY = "sk-proj-test-0123456789-abcdWXYZ"


async def put_secret(fetch: Any, name: str, **body: Any) -> Any:
    return await fetch("secrets", name, method="PUT", body=json.dumps(body))


async def test_set_list_and_delete_without_ever_returning_the_value(
    as_user: Any, db_url: str
) -> None:
    alice = as_user("alice")
    response = await put_secret(alice, "openai", value=KEY)
    assert response.code == 200
    view = json.loads(response.body)
    assert (view["name"], view["scope"], view["last4"]) == ("openai", "user", "WXYZ")
    listed = await alice("secrets")
    assert [item["name"] for item in json.loads(listed.body)["items"]] == ["openai"]
    for response in (listed, await alice("models", "providers")):
        assert KEY not in response.body.decode()
        assert "0123456789" not in response.body.decode()

    engine = create_engine(db_url)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT ciphertext FROM secrets")).scalar_one()
    engine.dispose()
    assert KEY.encode() not in bytes(stored)

    assert (await alice("secrets", "openai", method="DELETE")).code == 204
    assert json.loads((await alice("secrets")).body)["items"] == []
    assert (await alice("secrets", "openai", method="DELETE")).code == 404


async def test_users_and_projects_keep_their_secrets_apart(as_user: Any) -> None:
    alice, bob = as_user("alice"), as_user("bob")
    await put_secret(alice, "openai", value=KEY)
    assert json.loads((await bob("secrets")).body)["items"] == []

    project = json.loads(
        (await alice("projects", method="POST", body=json.dumps({"name": "P"}))).body
    )
    response = await put_secret(
        alice, "openai", value="sk-project-key-9999", project_id=project["id"]
    )
    assert json.loads(response.body)["scope"] == "project"
    items = json.loads((await alice("secrets", params={"project_id": project["id"]})).body)["items"]
    assert sorted(item["scope"] for item in items) == ["project", "user"]
    # Bob is not a member: he cannot put a secret on (or learn about) Alice's project.
    response = await put_secret(bob, "openai", value="sk-bob-key-000000", project_id=project["id"])
    assert response.code == 404


async def test_bad_secret_requests_get_400(as_user: Any) -> None:
    alice = as_user("alice")
    for name, body in [
        ("OpenAI Key", {"value": KEY}),
        ("openai", {"value": ""}),
        ("openai", {"value": 5}),
        ("openai", {"value": KEY, "owner": "bob"}),
    ]:
        response = await put_secret(alice, name, **body)
        assert response.code == 400, (name, body)
        assert json.loads(response.body)["message"]
