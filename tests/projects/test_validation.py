"""Checking project input: normalisation a user would expect, refusals with clear words."""

from __future__ import annotations

import pytest

from omnipanel_lab.errors import InvalidInputError
from omnipanel_lab.projects.validation import (
    normalize_folder,
    normalize_tags,
    parse_project_fields,
    parse_project_query,
    slugify,
)


@pytest.mark.parametrize(
    ("raw", "folder"),
    [
        ("a", "a"),
        ("/a/b/", "a/b"),
        ("a//b", "a/b"),
        ("  a/b ", "a/b"),
        ("Données/été", "Données/été"),
    ],
)
def test_folders_are_normalised(raw: str, folder: str) -> None:
    assert normalize_folder(raw) == folder


@pytest.mark.parametrize(
    "raw", ["", "/", "..", "a/../b", "./a", "a\\b", ".git", "a/ b", "a\x00b", 5]
)
def test_unsafe_folders_are_refused(raw: object) -> None:
    with pytest.raises(InvalidInputError):
        normalize_folder(raw)


def test_tags_are_trimmed_lowercased_deduplicated_and_sorted() -> None:
    assert normalize_tags(["  Deep   Learning ", "deep learning", "NLP"]) == [
        "deep learning",
        "nlp",
    ]


def test_slugs() -> None:
    assert slugify("My Project! (v2)") == "my-project-v2"
    assert slugify("Études 2026") == "études-2026"
    assert slugify("!!!") == "project"


def test_query_repeats_tags_and_keeps_the_last_single_value() -> None:
    query = parse_project_query({"tag": ["A", "b"], "limit": ["5", "10"], "favorite": ["true"]})
    assert (query.tags, query.limit, query.favorite) == (("a", "b"), 10, True)


def test_context_files_are_paths_inside_the_project_folder() -> None:
    fields = parse_project_fields(
        {"context_files": ["notes.md", "/docs/a.txt", "notes.md"]}, creating=False
    )
    assert fields.context_files == ["notes.md", "docs/a.txt"]
    for bad in (["../secret"], [".env"], "notes.md", [3], ["x"] * 21 + ["y"]):
        with pytest.raises(InvalidInputError):
            parse_project_fields({"context_files": bad}, creating=False)
