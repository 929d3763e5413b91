"""The projects REST API on a real Jupyter server (pytest-jupyter), SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest


def body(response: Any) -> Any:
    return json.loads(response.body)


async def create(fetch: Any, **fields: Any) -> dict[str, Any]:
    response = await fetch("projects", method="POST", body=json.dumps(fields))
    assert response.code == 201, response.body
    return body(response)


async def test_create_read_update_delete(as_user: Any, jp_root_dir: Path) -> None:
    alice = as_user("alice")
    project = await create(
        alice, name="Churn model", description="Q3 churn", tags=["ML", " ml ", "Sales"]
    )
    assert project["folder"] == "projects/churn-model"
    assert (jp_root_dir / "projects" / "churn-model").is_dir()
    assert project["tags"] == ["ml", "sales"]
    assert project["role"] == "owner"
    assert project["favorite"] is False

    fetched = body(await alice("projects", project["id"]))
    assert fetched == project

    response = await alice(
        "projects",
        project["id"],
        method="PATCH",
        body=json.dumps({"name": "Churn v2", "favorite": True, "color": "#3B82F6"}),
    )
    assert response.code == 200
    updated = body(response)
    assert (updated["name"], updated["favorite"], updated["color"]) == ("Churn v2", True, "#3b82f6")
    assert updated["updated_at"] >= project["updated_at"]

    response = await alice("projects", project["id"], method="DELETE")
    assert response.code == 204
    assert (await alice("projects", project["id"])).code == 404
    # The folder is the user's work: kept unless delete_files=true.
    assert (jp_root_dir / "projects" / "churn-model").is_dir()


async def test_delete_files_on_request(as_user: Any, jp_root_dir: Path) -> None:
    alice = as_user("alice")
    project = await create(alice, name="Scratch")
    (jp_root_dir / project["folder"] / "notes.md").write_text("draft")
    response = await alice(
        "projects", project["id"], method="DELETE", params={"delete_files": "true"}
    )
    assert response.code == 204
    assert not (jp_root_dir / project["folder"]).exists()


async def test_default_folders_never_clash(as_user: Any, jp_root_dir: Path) -> None:
    alice = as_user("alice")
    (jp_root_dir / "projects" / "report").mkdir(parents=True)
    (jp_root_dir / "projects" / "report" / "keep.txt").write_text("someone's file")
    first = await create(alice, name="Report")
    second = await create(alice, name="Report")
    assert [first["folder"], second["folder"]] == ["projects/report-2", "projects/report-3"]
    adopted = await create(alice, name="Existing", folder="/projects/report/")
    assert adopted["folder"] == "projects/report"
    assert (jp_root_dir / "projects" / "report" / "keep.txt").read_text() == "someone's file"


async def test_list_filters_sort_and_pages(as_user: Any) -> None:
    alice = as_user("alice")
    for index, (name, tags) in enumerate(
        [("Alpha", ["ml"]), ("Beta", ["ml", "nlp"]), ("Gamma 50%", ["viz"]), ("Delta", [])]
    ):
        await create(alice, name=name, tags=tags, favorite=index % 2 == 0)

    async def names(**params: Any) -> list[str]:
        response = await alice("projects", params=params)
        assert response.code == 200, response.body
        return [item["name"] for item in body(response)["items"]]

    assert await names(sort="name") == ["Alpha", "Beta", "Delta", "Gamma 50%"]
    assert await names(sort="-name") == ["Gamma 50%", "Delta", "Beta", "Alpha"]
    assert await names(sort="-created") == ["Delta", "Gamma 50%", "Beta", "Alpha"]
    assert await names(tag="ml", sort="name") == ["Alpha", "Beta"]
    assert await names(favorite="true", sort="name") == ["Alpha", "Gamma 50%"]
    assert await names(favorite="false", sort="name") == ["Beta", "Delta"]
    assert await names(q="AMM") == ["Gamma 50%"]
    # LIKE wildcards in the text are matched literally.
    assert await names(q="50%") == ["Gamma 50%"]
    assert await names(q="%") == ["Gamma 50%"]

    response = await alice("projects", params=[("tag", "ml"), ("tag", "nlp")])
    assert [item["name"] for item in body(response)["items"]] == ["Beta"]

    page = body(await alice("projects", params={"sort": "name", "limit": 2, "offset": 2}))
    assert [item["name"] for item in page["items"]] == ["Delta", "Gamma 50%"]
    assert (page["total"], page["limit"], page["offset"]) == (4, 2, 2)

    tags = body(await alice("tags"))["items"]
    assert tags == [
        {"name": "ml", "count": 2},
        {"name": "nlp", "count": 1},
        {"name": "viz", "count": 1},
    ]


async def test_users_never_see_each_others_projects(as_user: Any) -> None:
    alice, bob = as_user("alice"), as_user("bob")
    secret = await create(alice, name="Alice's secret", tags=["private"])

    assert body(await bob("projects"))["total"] == 0
    assert body(await bob("tags"))["items"] == []
    for method, extra in [("GET", {}), ("PATCH", {"body": '{"name": "x"}'}), ("DELETE", {})]:
        response = await bob("projects", secret["id"], method=method, **extra)
        assert response.code == 404, method
    assert (await bob("projects", secret["id"], "export")).code == 404
    assert (await bob("projects", secret["id"], "members")).code == 404
    assert body(await alice("projects", secret["id"]))["name"] == "Alice's secret"


async def test_members_and_roles(as_user: Any, jp_root_dir: Path) -> None:
    alice, bob = as_user("alice"), as_user("bob")
    project = await create(alice, name="Team")

    response = await alice(
        "projects", project["id"], "members", "bob", method="PUT", body='{"role": "viewer"}'
    )
    assert response.code == 200
    assert body(response)["role"] == "viewer"
    seen_by_bob = body(await bob("projects", project["id"]))
    assert (seen_by_bob["role"], seen_by_bob["favorite"]) == ("viewer", False)

    # A viewer may star (a personal flag) but not change the project.
    response = await bob("projects", project["id"], method="PATCH", body='{"favorite": true}')
    assert response.code == 200 and body(response)["favorite"] is True
    assert body(await alice("projects", project["id"]))["favorite"] is False
    response = await bob("projects", project["id"], method="PATCH", body='{"name": "Mine"}')
    assert response.code == 403
    assert "Viewers" in body(response)["message"]
    assert (await bob("projects", project["id"], method="DELETE")).code == 403
    response = await bob("projects", project["id"], method="PATCH", body='{"folder": "mine"}')
    assert response.code == 403
    assert not (jp_root_dir / "mine").exists()
    response = await bob(
        "projects", project["id"], "members", "carol", method="PUT", body='{"role": "owner"}'
    )
    assert response.code == 403

    members = body(await alice("projects", project["id"], "members"))["items"]
    assert [(m["username"], m["role"]) for m in members] == [("alice", "owner"), ("bob", "viewer")]

    # The last owner can neither leave nor be demoted.
    response = await alice("projects", project["id"], "members", "alice", method="DELETE")
    assert response.code == 409
    response = await alice(
        "projects", project["id"], "members", "alice", method="PUT", body='{"role": "editor"}'
    )
    assert response.code == 409

    # Anyone may leave.
    assert (await bob("projects", project["id"], "members", "bob", method="DELETE")).code == 204
    assert (await bob("projects", project["id"])).code == 404


async def test_export_then_import_gives_back_the_same_project(
    as_user: Any, jp_root_dir: Path
) -> None:
    alice = as_user("alice")
    original = await create(
        alice,
        name="Forecast",
        description="Sales forecast",
        tags=["ts", "sales"],
        icon="chart",
        color="#10b981",
        model={"provider": "ollama", "model": "llama3.2", "temperature": 0.2},
    )
    folder = jp_root_dir / original["folder"]
    (folder / "data").mkdir()
    (folder / "data" / "sales.csv").write_text("month,units\n1,10\n")
    notebook = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (folder / "analysis.ipynb").write_text(json.dumps(notebook))
    (folder / "logo.bin").write_bytes(bytes(range(256)))
    files_before = {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file()
    }

    response = await alice("projects", original["id"], "export")
    assert response.code == 200
    assert response.headers["Content-Type"] == "application/zip"
    assert "forecast.omnipanel.zip" in response.headers["Content-Disposition"]
    archive = response.body

    response = await alice(
        "projects", original["id"], method="DELETE", params={"delete_files": "true"}
    )
    assert response.code == 204
    assert not folder.exists()

    response = await alice(
        "projects",
        "import",
        method="POST",
        body=archive,
        headers={"Content-Type": "application/zip"},
    )
    assert response.code == 201, response.body
    imported = body(response)
    assert imported["id"] != original["id"]
    for key in ("name", "description", "folder", "tags", "icon", "color", "model"):
        assert imported[key] == original[key], key
    files_after = {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file()
    }
    assert files_after == files_before

    # Importing again never overwrites: the copy gets a numbered folder.
    response = await alice("projects", "import", method="POST", body=archive)
    assert body(response)["folder"] == original["folder"] + "-2"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "JSON object"),
        ("{}", "needs a name"),
        ('{"name": ""}', "may not be empty"),
        ('{"name": 5}', "must be a string"),
        ('{"name": "x", "owner": "mallory"}', "Unknown field(s): owner"),
        ('{"name": "x", "folder": "../etc"}', "may not contain '..'"),
        ('{"name": "x", "folder": "/"}', "not the root"),
        ('{"name": "x", "folder": ".ssh"}', "may not contain '.ssh'"),
        ('{"name": "x", "tags": "ml"}', "list of strings"),
        ('{"name": "x", "tags": [""]}', "may not be empty"),
        ('{"name": "x", "color": "blue"}', "hex colour"),
        ('{"name": "x", "favorite": "yes"}', "true or false"),
        ('{"name": "x", "model": []}', "JSON object"),
        (json.dumps({"name": "x" * 201}), "longer than 200"),
    ],
)
async def test_bad_create_requests_get_400_with_a_message(
    as_user: Any, payload: str, message: str
) -> None:
    response = await as_user("alice")("projects", method="POST", body=payload)
    assert response.code == 400
    assert response.headers["Content-Type"].startswith("application/json")
    assert message in body(response)["message"]
    assert "Traceback" not in response.body.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "0"},
        {"limit": "1000"},
        {"limit": "ten"},
        {"offset": "-1"},
        {"sort": "size"},
        {"favorite": "maybe"},
        {"q": "x" * 300},
    ],
)
async def test_bad_list_queries_get_400(as_user: Any, params: dict[str, str]) -> None:
    response = await as_user("alice")("projects", params=params)
    assert response.code == 400
    assert body(response)["message"]


async def test_bad_ids_updates_and_archives(as_user: Any, jp_root_dir: Path) -> None:
    alice = as_user("alice")
    assert (await alice("projects", "not-a-uuid")).code == 404
    assert (await alice("projects", "1b4e28ba-2fa1-11d2-883f-0016d3cca427")).code == 404
    project = await create(alice, name="P")
    response = await alice("projects", project["id"], method="PATCH", body="{}")
    assert response.code == 400
    response = await alice("projects", project["id"], method="DELETE", params={"delete_files": "x"})
    assert response.code == 400
    response = await alice("projects", method="PUT", body="{}")
    assert response.code == 405

    (jp_root_dir / "a-file").write_text("x")
    response = await alice("projects", method="POST", body='{"name": "F", "folder": "a-file/sub"}')
    assert response.code == 409
    assert "is a file" in body(response)["message"]

    response = await alice("projects", "import", method="POST", body=b"not a zip")
    assert response.code == 400
    evil = io.BytesIO()
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr(
            "omnipanel-project.json",
            json.dumps({"format": "omnipanel-project", "version": 1, "project": {"name": "E"}}),
        )
        archive.writestr("files/../../escape.txt", "x")
    response = await alice("projects", "import", method="POST", body=evil.getvalue())
    assert response.code == 400
    assert "Unsafe path" in body(response)["message"]
    assert not (jp_root_dir.parent / "escape.txt").exists()

    response = await alice(
        "projects", project["id"], "members", "bob", method="PUT", body='{"role": "admin"}'
    )
    assert response.code == 400


async def test_status_reports_the_store(as_user: Any, db_url: str) -> None:
    status = body(await as_user("alice")("status"))
    assert status["store"] == {"backend": db_url.split(":")[0].split("+")[0], "ready": True}
    assert status["user"] == "alice"
    assert status["version"]
