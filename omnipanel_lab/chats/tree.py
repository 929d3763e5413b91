"""The branch of a message tree that a chat shows, and where it can branch.

Editing a user message or regenerating a reply adds a sibling; the shown branch is the
path from a root to a chosen message, continued down through the newest children.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Node:
    id: uuid.UUID
    parent_id: uuid.UUID | None
    created_at: datetime


@dataclass(frozen=True)
class BranchStep:
    """A message on the branch, with its siblings (itself included) in creation order."""

    id: uuid.UUID
    siblings: list[uuid.UUID]

    @property
    def index(self) -> int:
        return self.siblings.index(self.id)


def children_of(nodes: Sequence[Node]) -> dict[uuid.UUID | None, list[uuid.UUID]]:
    """Children per parent (None: the roots), oldest first."""
    children: dict[uuid.UUID | None, list[uuid.UUID]] = {}
    for node in sorted(nodes, key=lambda n: (n.created_at, str(n.id))):
        children.setdefault(node.parent_id, []).append(node.id)
    return children


def branch(nodes: Sequence[Node], leaf: uuid.UUID | None) -> list[BranchStep]:
    """Root → ``leaf`` (or the newest message when it is unknown), then down through the
    newest children, so choosing a message anywhere shows the conversation it leads to."""
    if not nodes:
        return []
    parents = {node.id: node.parent_id for node in nodes}
    children = children_of(nodes)
    if leaf not in parents:
        leaf = max(nodes, key=lambda n: (n.created_at, str(n.id))).id
    path: list[uuid.UUID] = []
    current: uuid.UUID | None = leaf
    while current is not None:
        path.append(current)
        current = parents[current]
    path.reverse()
    while children.get(path[-1]):
        path.append(children[path[-1]][-1])
    return [BranchStep(step, children[parents[step]]) for step in path]
