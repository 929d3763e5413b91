"""Chat and message rows in the store, always scoped to the user who owns them.

Synchronous (SQLAlchemy sessions); the async service runs these calls in worker threads.
Another user's chat (or a malformed id) is reported as not found, never as forbidden.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from ..common import isoformat, parse_id, parse_uuid
from ..errors import NotFoundError
from ..identity import Identity
from ..projects.repository import ProjectRepository
from ..store.database import Database
from ..store.models import Chat, ChatMessage, ChatTag, ProjectMember, utcnow
from .reply_rows import MESSAGE_STATS, save_rows
from .reply_writer import ReplySave
from .tree import Node, branch
from .validation import ChatFields


@dataclass(frozen=True)
class ChatView:
    id: str
    project_id: str
    title: str
    tags: list[str]
    pinned: bool
    model: dict[str, str] | None
    system_prompt: str
    active_leaf_id: str | None
    created_at: str
    updated_at: str

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class MessageView:
    id: str
    chat_id: str
    parent_id: str | None
    role: str
    content: str
    status: str
    context: list[dict[str, Any]]
    attachments: list[dict[str, Any]]
    stats: dict[str, Any]
    created_at: str
    updated_at: str

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def chat_view(chat: Chat) -> ChatView:
    return ChatView(
        id=str(chat.id),
        project_id=str(chat.project_id),
        title=chat.title,
        tags=chat.tag_names,
        pinned=chat.pinned,
        model={"provider": chat.provider, "model": chat.model or ""} if chat.provider else None,
        system_prompt=chat.system_prompt,
        active_leaf_id=str(chat.active_leaf_id) if chat.active_leaf_id else None,
        created_at=isoformat(chat.created_at),
        updated_at=isoformat(chat.updated_at),
    )


def message_view(message: ChatMessage) -> MessageView:
    return MessageView(
        id=str(message.id),
        chat_id=str(message.chat_id),
        parent_id=str(message.parent_id) if message.parent_id else None,
        role=message.role,
        content=message.content,
        status=message.status,
        context=list(message.context or []),
        attachments=list(message.attachments or []),
        stats={name: getattr(message, name) for name in MESSAGE_STATS},
        created_at=isoformat(message.created_at),
        updated_at=isoformat(message.updated_at),
    )


def parse_chat_id(chat_id: str) -> uuid.UUID:
    return parse_id(chat_id, f"No chat with id '{chat_id}'.")


class ChatRepository:
    def __init__(self, database: Database, projects: ProjectRepository) -> None:
        self.database = database
        self.projects = projects

    # -- chats -----------------------------------------------------------------------------

    def create(self, identity: Identity, fields: ChatFields) -> ChatView:
        user_id = self.projects.user_id(identity)
        with self.database.session() as session:
            return chat_view(self._new_chat(session, user_id, fields))

    def _new_chat(self, session: Session, user_id: uuid.UUID, fields: ChatFields) -> Chat:
        chat = Chat(
            project_id=self._project_of_member(session, user_id, fields.project_id),
            user_id=user_id,
            title=fields.title,
            pinned=fields.pinned,
            provider=fields.provider,
            model=fields.model,
            system_prompt=fields.system_prompt,
            tags=[ChatTag(tag=tag) for tag in fields.tags],
        )
        session.add(chat)
        session.flush()
        return chat

    def get(self, identity: Identity, chat_id: str) -> ChatView:
        with self.database.session() as session:
            return chat_view(self._chat(session, identity, chat_id))

    def update(self, identity: Identity, chat_id: str, fields: ChatFields) -> ChatView:
        with self.database.session() as session:
            chat = self._chat(session, identity, chat_id)
            for name in ("title", "pinned", "system_prompt"):
                if name in fields.present:
                    setattr(chat, name, getattr(fields, name))
            if "model" in fields.present:
                chat.provider, chat.model = fields.provider, fields.model
            if "tags" in fields.present:
                chat.tags = [ChatTag(tag=tag) for tag in fields.tags]
            if "active_leaf_id" in fields.present:
                chat.active_leaf_id = self._message(session, chat, fields.active_leaf_id).id
            # The chat's date is its last message: renaming, tagging or pinning it does not
            # move it in the list (the column's onupdate would, unless it is set).
            flag_modified(chat, "updated_at")
            session.flush()
            return chat_view(chat)

    def delete(self, identity: Identity, chat_id: str) -> None:
        with self.database.session() as session:
            session.delete(self._chat(session, identity, chat_id))

    def chat_ids_of_project(self, project_id: str) -> list[str]:
        """Every user's chats of a project (to stop their replies before it goes)."""
        with self.database.session() as session:
            rows = session.scalars(select(Chat.id).where(Chat.project_id == uuid.UUID(project_id)))
            return [str(chat_id) for chat_id in rows]

    def list(
        self,
        identity: Identity,
        project_id: str | None,
        *,
        tag: str | None = None,
        title: str | None = None,
        ids: list[str] | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[ChatView], int]:
        """A user's chats (in one project, or all; with ``title`` in their title, any
        case; among ``ids``), pinned first, then newest activity."""
        user_id = self.projects.user_id(identity)
        filters = [Chat.user_id == user_id]
        if project_id is not None:
            filters.append(Chat.project_id == parse_uuid(project_id))
        if tag is not None:
            filters.append(exists().where(ChatTag.chat_id == Chat.id, ChatTag.tag == tag))
        if title is not None:
            filters.append(func.lower(Chat.title).contains(title.lower(), autoescape=True))
        if ids is not None:
            filters.append(Chat.id.in_([uuid.UUID(chat_id) for chat_id in ids]))
        with self.database.session() as session:
            rows = session.scalars(
                select(Chat)
                .where(*filters)
                .order_by(Chat.pinned.desc(), Chat.updated_at.desc(), Chat.id)
                .limit(limit)
                .offset(offset)
            ).all()
            total = session.scalar(select(func.count()).select_from(Chat).where(*filters))
            return [chat_view(chat) for chat in rows], int(total or 0)

    # -- messages --------------------------------------------------------------------------

    def thread(
        self,
        identity: Identity,
        chat_id: str,
        leaf: uuid.UUID | None = None,
        limit: int | None = None,
    ) -> tuple[ChatView, list[tuple[MessageView, list[str]]], int]:
        """The chat, the last ``limit`` messages of its shown branch (each with its
        siblings' ids), and the branch's length. Only the tree's ids are read for the
        whole chat; message texts only for the page shown."""
        with self.database.session() as session:
            chat = self._chat(session, identity, chat_id)
            steps = branch(self._nodes(session, chat.id), leaf or chat.active_leaf_id)
            page = steps[-limit:] if limit else steps
            rows = self._rows(session, [step.id for step in page])
            return (
                chat_view(chat),
                [(message_view(rows[s.id]), [str(i) for i in s.siblings]) for s in page],
                len(steps),
            )

    def path_to(
        self, identity: Identity, chat_id: str, message_id: uuid.UUID
    ) -> tuple[ChatView, list[MessageView]]:
        """The messages from the root down to ``message_id`` (what a model is sent)."""
        with self.database.session() as session:
            chat = self._chat(session, identity, chat_id)
            self._message(session, chat, message_id)
            parents = {node.id: node.parent_id for node in self._nodes(session, chat.id)}
            path: list[uuid.UUID] = []
            current: uuid.UUID | None = message_id
            while current is not None:
                path.append(current)
                current = parents[current]
            rows = self._rows(session, path)
            return chat_view(chat), [message_view(rows[i]) for i in reversed(path)]

    def message(self, identity: Identity, chat_id: str, message_id: uuid.UUID) -> MessageView:
        with self.database.session() as session:
            return message_view(
                self._message(session, self._chat(session, identity, chat_id), message_id)
            )

    def add_message(
        self, identity: Identity, chat_id: str, *, parent_id: uuid.UUID | None, **row: Any
    ) -> MessageView:
        """Add a message under ``parent_id`` (checked to be in the chat) and show it."""
        with self.database.session() as session:
            chat = self._chat(session, identity, chat_id)
            return message_view(self._add(session, chat, parent_id=parent_id, **row))

    def add_exchange(
        self,
        identity: Identity,
        chat_id: str,
        question: dict[str, Any],
        reply: dict[str, Any],
    ) -> tuple[MessageView, MessageView]:
        """A user's message and the reply's row under it, in one transaction: both or
        neither, so a chat never ends with a question no reply can follow."""
        with self.database.session() as session:
            chat = self._chat(session, identity, chat_id)
            asked = self._add(session, chat, **question)
            answer = self._add(session, chat, **{**reply, "parent_id": asked.id})
            return message_view(asked), message_view(answer)

    def _add(
        self,
        session: Session,
        chat: Chat,
        *,
        role: str,
        content: str,
        parent_id: uuid.UUID | None,
        status: str = "complete",
        context: list[dict[str, Any]] | None = None,
        attachments: list[dict[str, Any]] | None = None,
        title: str | None = None,
        **stats: Any,
    ) -> ChatMessage:
        """Add a message and show it (the end of the chat's shown branch)."""
        if parent_id is not None:
            self._message(session, chat, parent_id)
        message = ChatMessage(
            chat_id=chat.id,
            parent_id=parent_id,
            role=role,
            content=content,
            status=status,
            context=context or [],
            attachments=attachments or [],
            **stats,
        )
        session.add(message)
        session.flush()
        chat.active_leaf_id = message.id
        chat.updated_at = utcnow()
        if title and not chat.title:
            chat.title = title
        return message

    def all_messages(self, identity: Identity, chat_id: str) -> list[MessageView]:
        """Every message of the chat, every branch (for the lossless export)."""
        with self.database.session() as session:
            chat = self._chat(session, identity, chat_id)
            rows = session.scalars(
                select(ChatMessage)
                .where(ChatMessage.chat_id == chat.id)
                .order_by(ChatMessage.created_at, ChatMessage.id)
            )
            return [message_view(message) for message in rows]

    def import_chat(
        self, identity: Identity, fields: ChatFields, messages: list[dict[str, Any]]
    ) -> ChatView:
        """A new chat with copies of exported messages (checked by ``parse_import``: new
        ids, the same tree), in one transaction: all of it or nothing."""
        user_id = self.projects.user_id(identity)
        with self.database.session() as session:
            chat = self._new_chat(session, user_id, fields)
            new_ids: dict[str, uuid.UUID] = {}
            for item in messages:
                message = ChatMessage(
                    id=uuid.uuid4(),
                    chat_id=chat.id,
                    parent_id=new_ids[item["parent_id"]] if item["parent_id"] else None,
                    role=item["role"],
                    content=item["content"],
                    status=item["status"],
                    created_at=item["created_at"] or utcnow(),
                    context=item["context"],
                    attachments=[],
                    **item["stats"],
                )
                new_ids[item["id"]] = message.id
                session.add(message)
                session.flush()
                chat.active_leaf_id = message.id
            return chat_view(chat)

    def save_replies(self, saves: list[ReplySave]) -> set[str]:
        """Write streaming replies' text so far (and, at their end, how they finished), in
        one transaction when every row can be written; returns the ids of rows left out
        because they never can (see ``reply_rows``). Called by the reply writer only, for
        messages the runner created for their users."""
        return save_rows(self.database, saves)

    def mark_abandoned(self, message_ids: list[str], error: str) -> None:
        """Replies left 'streaming' by a server that stopped: failed, text kept."""
        with self.database.session() as session:
            session.execute(
                update(ChatMessage)
                .where(ChatMessage.id.in_([uuid.UUID(m) for m in message_ids]))
                .where(ChatMessage.status == "streaming")
                .values(status="failed", error=error)
            )

    # -- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _nodes(session: Session, chat_id: uuid.UUID) -> list[Node]:
        """The chat's tree: ids, parents and times only (cheap even at 5,000 messages)."""
        rows = session.execute(
            select(ChatMessage.id, ChatMessage.parent_id, ChatMessage.created_at).where(
                ChatMessage.chat_id == chat_id
            )
        )
        return [Node(*row) for row in rows]

    @staticmethod
    def _rows(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, ChatMessage]:
        rows: dict[uuid.UUID, ChatMessage] = {}
        for start in range(0, len(ids), 500):  # SQLite caps bound parameters
            chunk = ids[start : start + 500]
            rows.update(
                (m.id, m)
                for m in session.scalars(select(ChatMessage).where(ChatMessage.id.in_(chunk)))
            )
        return rows

    def _chat(self, session: Session, identity: Identity, chat_id: str) -> Chat:
        user_id = self.projects.user_id(identity)
        chat = session.get(Chat, parse_chat_id(chat_id))
        if chat is None or chat.user_id != user_id:
            raise NotFoundError(f"No chat with id '{chat_id}'.")
        return chat

    @staticmethod
    def _message(session: Session, chat: Chat, message_id: uuid.UUID | None) -> ChatMessage:
        message = session.get(ChatMessage, message_id) if message_id else None
        if message is None or message.chat_id != chat.id:
            raise NotFoundError(f"No message with id '{message_id}' in this chat.")
        return message

    @staticmethod
    def _project_of_member(session: Session, user_id: uuid.UUID, project_id: str) -> uuid.UUID:
        project = parse_uuid(project_id)
        if project is None or session.get(ProjectMember, (project, user_id)) is None:
            raise NotFoundError(f"No project with id '{project_id}'.")
        return project
