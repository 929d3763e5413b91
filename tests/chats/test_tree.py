"""Which branch of a message tree a chat shows."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from omnipanel_lab.chats.export import split_code_blocks
from omnipanel_lab.chats.tree import Node, branch

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def tree(*edges: tuple[str, str | None]) -> tuple[list[Node], dict[str, uuid.UUID]]:
    """Nodes named by letters, created in the order given."""
    ids = {name: uuid.uuid5(uuid.NAMESPACE_OID, name) for name, _ in edges}
    nodes = [
        Node(ids[name], ids[parent] if parent else None, T0 + timedelta(seconds=i))
        for i, (name, parent) in enumerate(edges)
    ]
    return nodes, ids


def names(steps: list, ids: dict[str, uuid.UUID]) -> str:
    back = {value: key for key, value in ids.items()}
    return "".join(back[step.id] for step in steps)


def test_the_newest_branch_is_shown_and_siblings_are_in_creation_order() -> None:
    # a → b → c ; a → d (regenerated reply) → e ; f is an edited first message
    nodes, ids = tree(("a", None), ("b", "a"), ("c", "b"), ("d", "a"), ("e", "d"), ("f", None))
    assert names(branch(nodes, None), ids) == "f"
    shown = branch(nodes, ids["c"])
    assert names(shown, ids) == "abc"
    assert [s.index for s in shown] == [0, 0, 0]
    assert shown[1].siblings == [ids["b"], ids["d"]] and shown[0].siblings == [ids["a"], ids["f"]]
    # Choosing a message mid-tree continues through its newest children.
    assert names(branch(nodes, ids["a"]), ids) == "ade"
    assert branch(nodes, ids["d"])[1].index == 1
    # An unknown leaf falls back to the newest message.
    assert names(branch(nodes, uuid.uuid4()), ids) == "f"
    assert branch([], None) == []


def test_python_code_blocks_become_notebook_cells() -> None:
    content = "Try this:\n```python\nprint(1)\n```\nOr in shell:\n```bash\nls\n```\nDone."
    parts = split_code_blocks(content)
    assert parts[0] == ("markdown", "Try this:")
    assert parts[1] == ("code", "print(1)")
    assert parts[2][0] == "markdown" and "```bash\nls\n```" in parts[2][1]
