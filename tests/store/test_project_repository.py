"""Project rows on a real store (SQLite file and PostgreSQL server), without HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from omnipanel_lab.errors import NotFoundError, PermissionDeniedError
from omnipanel_lab.identity import Identity
from omnipanel_lab.projects.repository import ProjectRepository
from omnipanel_lab.projects.validation import ProjectQuery, parse_project_fields
from omnipanel_lab.store.database import Database
from omnipanel_lab.store.models import Role

ALICE, BOB = Identity("alice", "Alice"), Identity("bob")


@pytest.fixture
def repository(db_url: str) -> Iterator[ProjectRepository]:
    database = Database(db_url)
    database.open()
    yield ProjectRepository(database)
    database.close()


def fields(**payload: object) -> object:
    return parse_project_fields(payload, creating=True)


def test_create_get_update_delete(repository: ProjectRepository) -> None:
    created = repository.create(ALICE, fields(name="A", tags=["x", "y"]), "a")
    assert repository.get(ALICE, created.id) == created
    changed = repository.update(
        ALICE, created.id, parse_project_fields({"tags": ["z"], "model": {"m": 1}}, creating=False)
    )
    assert (changed.tags, changed.model) == (["z"], {"m": 1})
    assert changed.updated_at >= created.updated_at
    repository.delete(ALICE, created.id)
    with pytest.raises(NotFoundError):
        repository.get(ALICE, created.id)


def test_tag_rows_follow_the_project(repository: ProjectRepository) -> None:
    project = repository.create(ALICE, fields(name="A", tags=["x"]), "a")
    repository.delete(ALICE, project.id)
    assert repository.tag_counts(ALICE) == []


def test_text_search_is_case_insensitive_and_literal(repository: ProjectRepository) -> None:
    for name in ("Ümlaut Study", "under_score", "underXscore", "100% done"):
        repository.create(ALICE, fields(name=name, description="notes"), name)

    def names(text: str) -> list[str]:
        page = repository.list(ALICE, ProjectQuery(text=text, sort="name"))
        return [p.name for p in page.items]

    assert names("STUDY") == ["Ümlaut Study"]
    assert names("under_") == ["under_score"]
    assert names("0%") == ["100% done"]
    assert names("NOTES") == ["100% done", "under_score", "underXscore", "Ümlaut Study"]


def test_isolation_and_roles(repository: ProjectRepository) -> None:
    shared = repository.create(ALICE, fields(name="Shared"), "shared")
    repository.create(ALICE, fields(name="Private"), "private")
    repository.set_member(ALICE, shared.id, "bob", Role.editor)

    assert [p.name for p in repository.list(BOB, ProjectQuery()).items] == ["Shared"]
    edited = repository.update(BOB, shared.id, parse_project_fields({"name": "S2"}, creating=False))
    assert edited.role == "editor"
    with pytest.raises(PermissionDeniedError):
        repository.delete(BOB, shared.id)
    with pytest.raises(PermissionDeniedError):
        repository.set_member(BOB, shared.id, "carol", Role.viewer)


def test_pagination_is_stable_under_equal_sort_keys(repository: ProjectRepository) -> None:
    for index in range(25):
        repository.create(ALICE, fields(name="same"), f"f{index}")
    seen: list[str] = []
    for offset in range(0, 25, 10):
        page = repository.list(ALICE, ProjectQuery(sort="name", limit=10, offset=offset))
        assert page.total == 25
        seen += [p.id for p in page.items]
    assert len(seen) == len(set(seen)) == 25
