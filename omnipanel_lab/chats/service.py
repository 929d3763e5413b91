"""Chats: the async service that handlers call.

It checks input, runs the synchronous store calls in worker threads, builds what a model
is sent (system prompt, project context, the branch's messages, their ``@`` context) and
hands replies to the generation runner.
"""

from __future__ import annotations

import asyncio
import posixpath
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from ..adapters.types import ChatMessage, ChatRequest, ImagePart
from ..errors import ConflictError, InvalidInputError, NotFoundError, PayloadTooLargeError
from ..identity import Identity
from ..models.defaults import DefaultModel
from ..models.service import ModelService, Own
from ..projects.service import ProjectService
from ..secrets.keys import ProviderKeys
from . import export
from .generation import GenerationRunner
from .history import fit_to_window
from .repository import ChatRepository, ChatView, MessageView
from .search import ChatSearch, SearchHit
from .validation import (
    MAX_IMAGE_BYTES,
    MAX_MODEL,
    NewMessage,
    SearchQuery,
    parse_chat_fields,
    parse_message_id,
    parse_new_message,
)

ABANDONED = "The server stopped while this reply was being written; the text so far is kept."
TITLE_LENGTH = 60
# (provider, model, API key, the asking user's own connections)
Choice = tuple[str, str, str | None, Own]
# A project's context files go into every system prompt, each cut at this many characters.
MAX_CONTEXT_FILE_CHARS = 20_000


def render_context(message: MessageView) -> str:
    """A user message as the model reads it: its ``@`` context first, then the text."""
    blocks = [
        f"[{item['kind']}: {item.get('label') or item['kind']}]\n```\n{item['text']}\n```"
        for item in message.context
    ]
    return "\n\n".join([*blocks, message.content]) if blocks else message.content


class ChatService:
    def __init__(
        self,
        repository: ChatRepository,
        search_index: ChatSearch,
        runner: GenerationRunner,
        *,
        projects: ProjectService,
        models: ModelService,
        keys: ProviderKeys,
        defaults: DefaultModel,
        own: Callable[[Identity], Awaitable[Own]] | None = None,
    ) -> None:
        self.repository = repository
        self.search_index = search_index
        self.runner = runner
        self.projects = projects
        self.models = models
        self.keys = keys
        self.defaults = defaults
        self.own = own  # the asking user's connections (Models panel)

    # -- chats -----------------------------------------------------------------------------

    async def create(self, identity: Identity, payload: Any) -> ChatView:
        fields = parse_chat_fields(payload, creating=True)
        return await asyncio.to_thread(self.repository.create, identity, fields)

    async def update(self, identity: Identity, chat_id: str, payload: Any) -> ChatView:
        fields = parse_chat_fields(payload, creating=False)
        return await asyncio.to_thread(self.repository.update, identity, chat_id, fields)

    async def delete(self, identity: Identity, chat_id: str) -> None:
        chat = await asyncio.to_thread(self.repository.get, identity, chat_id)
        await self.runner.stop_chat(chat.id)
        await asyncio.to_thread(self.repository.delete, identity, chat.id)

    async def stop_project(self, project_id: str) -> None:
        """Stop the replies of every chat of a project (it is about to be deleted)."""
        for chat_id in await asyncio.to_thread(self.repository.chat_ids_of_project, project_id):
            await self.runner.stop_chat(chat_id)

    async def list(
        self,
        identity: Identity,
        project_id: str | None,
        tag: str | None,
        limit: int,
        offset: int,
        title: str | None = None,
        ids: list[str] | None = None,
    ) -> tuple[list[ChatView], int]:
        return await asyncio.to_thread(
            lambda: self.repository.list(
                identity, project_id, tag=tag, title=title, ids=ids, limit=limit, offset=offset
            )
        )

    async def thread(
        self, identity: Identity, chat_id: str, leaf: str | None = None, limit: int | None = None
    ) -> tuple[ChatView, list[tuple[dict[str, Any], list[str]]], int]:
        """The chat, the last ``limit`` messages of its shown branch, and the branch's
        length. A reply still 'streaming' with no generation behind it (the server
        restarted) is marked failed, its text kept."""
        leaf_id = parse_message_id(leaf) if leaf is not None else None
        chat, steps, length = await asyncio.to_thread(
            self.repository.thread, identity, chat_id, leaf_id, limit
        )
        abandoned = [
            message.id
            for message, _ in steps
            if message.status == "streaming" and self.runner.live_text(message.id) is None
        ]
        if abandoned:
            await asyncio.to_thread(self.repository.mark_abandoned, abandoned, ABANDONED)
            return await self.thread(identity, chat_id, leaf, limit)
        shown = [(self._with_live_text(message), siblings) for message, siblings in steps]
        return chat, shown, length

    # -- messages --------------------------------------------------------------------------

    async def send(
        self, identity: Identity, chat_id: str, payload: Any
    ) -> tuple[MessageView, MessageView]:
        """Add the user's message and start the reply; both are returned at once.

        Everything that can fail is done before the two rows are written, and they are
        written in one transaction: never a question without its reply."""
        new = parse_new_message(payload)
        chat = await asyncio.to_thread(self.repository.get, identity, chat_id)
        choice = await self._resolve_model(identity, chat, new)
        path = await self._branch_for(identity, chat, new)
        await self._check_attachments(identity, chat, new.attachments)
        parent_id = uuid.UUID(path[-1].id) if path else None
        draft = MessageView(
            id="",
            chat_id=chat.id,
            parent_id=str(parent_id) if parent_id else None,
            role="user",
            content=new.content,
            status="complete",
            context=new.context,
            attachments=new.attachments,
            stats={},
            created_at="",
            updated_at="",
        )
        request, notes = await self._request(identity, chat, [*path, draft], new, choice)
        question, reply = await asyncio.to_thread(
            lambda: self.repository.add_exchange(
                identity,
                chat.id,
                {
                    "role": "user",
                    "content": new.content,
                    "parent_id": parent_id,
                    "context": new.context,
                    "attachments": new.attachments,
                    "title": " ".join(new.content.split())[:TITLE_LENGTH],
                },
                _reply_row(choice, notes),
            )
        )
        self.runner.start(reply.id, chat.id, choice[0], request, choice[2], choice[3])
        return question, reply

    async def regenerate(self, identity: Identity, chat_id: str, message_id: str) -> MessageView:
        """A new reply to the same user message, as a sibling of ``message_id``."""
        chat = await asyncio.to_thread(self.repository.get, identity, chat_id)
        old = await self.message(identity, chat_id, message_id)
        if old.role != "assistant" or old.parent_id is None:
            raise ConflictError("Only a reply can be regenerated.")
        new = NewMessage(
            content="",
            parent_id=None,
            root=False,
            context=[],
            attachments=[],
            provider=old.stats.get("provider"),
            model=old.stats.get("model"),
            max_tokens=1024,
        )
        choice = await self._resolve_model(identity, chat, new)
        question_id = uuid.UUID(old.parent_id)
        _, path = await asyncio.to_thread(self.repository.path_to, identity, chat.id, question_id)
        request, notes = await self._request(identity, chat, path, new, choice)
        reply = await asyncio.to_thread(
            lambda: self.repository.add_message(
                identity, chat.id, parent_id=question_id, **_reply_row(choice, notes)
            )
        )
        self.runner.start(reply.id, chat.id, choice[0], request, choice[2], choice[3])
        return reply

    async def stop(self, identity: Identity, chat_id: str, message_id: str) -> MessageView:
        message = await self.message(identity, chat_id, message_id)
        await self.runner.stop(message.id)
        return await self.message(identity, chat_id, message.id)

    async def message(
        self, identity: Identity, chat_id: str, message_id: str | uuid.UUID
    ) -> MessageView:
        """One message of the user's chat (an unknown or malformed id is a 404)."""
        return await asyncio.to_thread(
            self.repository.message, identity, chat_id, parse_message_id(message_id)
        )

    async def search(self, identity: Identity, query: SearchQuery) -> list[SearchHit]:
        return await asyncio.to_thread(self.search_index.search, identity, query)

    # -- export and import -----------------------------------------------------------------

    async def export(self, identity: Identity, chat_id: str, kind: str) -> tuple[str, str, str]:
        """(file name, media type, text) of a chat as ``markdown``, ``json`` or ``ipynb``."""
        chat, steps, _ = await asyncio.to_thread(self.repository.thread, identity, chat_id)
        branch = [message for message, _ in steps]
        name = "".join(c if c.isalnum() else "-" for c in (chat.title or "chat"))[:60]
        if kind == "markdown":
            return f"{name}.md", "text/markdown", export.to_markdown(chat, branch)
        if kind == "ipynb":
            notebook = export.to_notebook(chat, branch)
            return f"{name}.ipynb", "application/x-ipynb+json", export.dumps(notebook)
        if kind == "json":
            everything = await asyncio.to_thread(self.repository.all_messages, identity, chat_id)
            data = export.to_json(chat, everything)
            return f"{name}.omnipanel-chat.json", "application/json", export.dumps(data)
        raise InvalidInputError("'format' must be markdown, json or ipynb.")

    async def export_project(self, identity: Identity, project_id: str) -> AsyncIterator[bytes]:
        """The user's chats of a project, one JSON export each (for the project's zip),
        each read and encoded in a worker thread."""
        offset = 0
        while True:
            page, total = await self.list(identity, project_id, None, 200, offset)
            for chat in page:
                yield await asyncio.to_thread(self._export_bytes, identity, chat)
            offset += len(page)
            if not page or offset >= total:
                return

    def _export_bytes(self, identity: Identity, chat: ChatView) -> bytes:
        messages = self.repository.all_messages(identity, chat.id)
        return export.dumps(export.to_json(chat, messages)).encode()

    async def import_chats(
        self, identity: Identity, project_id: str, payloads: list[Any]
    ) -> list[ChatView]:
        return [await self.import_chat(identity, project_id, payload) for payload in payloads]

    async def import_chat(self, identity: Identity, project_id: str, payload: Any) -> ChatView:
        data = export.parse_import(payload)
        fields = parse_chat_fields({"project_id": project_id, **data["chat"]}, creating=True)
        return await asyncio.to_thread(
            self.repository.import_chat, identity, fields, data["messages"]
        )

    # -- internals -------------------------------------------------------------------------

    async def _resolve_model(self, identity: Identity, chat: ChatView, new: NewMessage) -> Choice:
        """(provider, model, API key, the user's connections): the message's choice, else
        the chat's, else the project's or server's default. Unknown providers are refused
        here."""
        provider, model = new.provider, new.model
        if provider is None and chat.model:
            provider, model = chat.model["provider"], chat.model["model"]
        if provider is None:
            provider, model = await self.defaults.choose(identity, chat.project_id)
        own = await self.own(identity) if self.own else {}
        await self.models.adapter(provider, own)
        if provider in own:  # the connection carries its own key
            return provider, model or "", None, own
        keys = await self.keys.resolve(identity, chat.project_id, only=provider)
        return provider, model or "", keys[provider].value if provider in keys else None, own

    async def _branch_for(
        self, identity: Identity, chat: ChatView, new: NewMessage
    ) -> list[MessageView]:
        """The messages a new one goes under, from the root: those down to its
        ``parent_id``, else to the end of the shown branch (none for a new root)."""
        parent = new.parent_id
        if parent is None and not new.root and chat.active_leaf_id:
            parent = uuid.UUID(chat.active_leaf_id)
        if parent is None:
            return []
        _, path = await asyncio.to_thread(self.repository.path_to, identity, chat.id, parent)
        if path[-1].role == "user":
            if new.parent_id is not None:
                raise InvalidInputError("A message answers a reply, not another user message.")
            # A question left without its reply (by an older version): this one replaces it.
            path.pop()
        return path

    async def _request(
        self,
        identity: Identity,
        chat: ChatView,
        path: list[MessageView],
        new: NewMessage,
        choice: Choice,
    ) -> tuple[ChatRequest, list[dict[str, str]]]:
        """What the model is sent for the branch ``path``, and the notes the reply carries
        (what the model did not see, shown as a chip like @ context's)."""
        provider, model, api_key, own = choice
        prompt = await self._prompt(identity, chat, path)
        window = await self.models.context_window(provider, model, api_key, own)
        notes = []
        if window:
            prompt, left_out = fit_to_window(prompt, window, reserve=new.max_tokens)
            if left_out:
                label = f"{left_out} earlier messages left out to fit {window:,} tokens"
                notes.append({"kind": "history", "label": label, "text": ""})
        return ChatRequest(model=model, messages=tuple(prompt), max_tokens=new.max_tokens), notes

    async def _prompt(
        self, identity: Identity, chat: ChatView, path: list[MessageView]
    ) -> list[ChatMessage]:
        """The system prompt (the chat's, then the project's), then the branch."""
        parts = (chat.system_prompt, await self._project_context(identity, chat.project_id))
        system = "\n\n".join(part for part in parts if part)
        messages = [ChatMessage("system", system)] if system else []
        for message in path:
            if message.role == "assistant" and message.status != "complete":
                continue  # a failed or stopped reply is not something the model said
            if message.role == "user":
                content, images = render_context(message), await self._images(message)
            else:
                content, images = message.content, ()
            if content.strip():
                messages.append(ChatMessage(message.role, content, images))  # type: ignore[arg-type]
        return messages

    async def _check_attachments(
        self, identity: Identity, chat: ChatView, attachments: list[dict[str, str]]
    ) -> None:
        """Images must be files of the chat's project folder (pasted ones are saved there)."""
        if not attachments:
            return
        projects = self.projects
        folder = (await projects.get(identity, chat.project_id)).folder
        for item in attachments:
            # A well-formed path that names no image of the project is not found (404).
            if not item["path"].startswith(folder + "/"):
                raise NotFoundError(
                    f"The image '{item['path']}' is not in the project folder '{folder}'."
                )
            size = await projects.folders.file_size(item["path"])
            if size is None:
                raise NotFoundError(f"The image '{item['path']}' does not exist.")
            if size > MAX_IMAGE_BYTES:
                raise PayloadTooLargeError(
                    f"The image '{item['path']}' is {size / 2**20:.1f} MB; images sent to a "
                    f"model may be at most {MAX_IMAGE_BYTES // 2**20} MB."
                )

    async def _images(self, message: MessageView) -> tuple[ImagePart, ...]:
        """A message's images, read when a model is asked (missing ones are skipped)."""
        folders = self.projects.folders
        images = []
        for item in message.attachments:
            data = await folders.read_base64(item["path"], MAX_IMAGE_BYTES)
            if data is not None and item.get("kind") == "image":
                images.append(ImagePart(item["media_type"], data))
        return tuple(images)

    async def _project_context(self, identity: Identity, project_id: str) -> str:
        """The project's name, description and context files, for every chat in it."""
        projects = self.projects
        project = await projects.get(identity, project_id)
        files = []
        for name in project.context_files:
            path = posixpath.join(project.folder, name)
            text = await projects.folders.read_text(path, limit=MAX_CONTEXT_FILE_CHARS + 1)
            if text is None:
                files.append(f"### {name}\n(missing or not a text file)")
                continue
            cut = len(text) > MAX_CONTEXT_FILE_CHARS
            body = text[:MAX_CONTEXT_FILE_CHARS] + ("\n[trimmed]" if cut else "")
            files.append(f"### {name}\n```\n{body}\n```")
        context = f"Project: {project.name}. {project.description}".strip()
        return context + ("\n\nProject files:\n\n" + "\n\n".join(files) if files else "")

    def _with_live_text(self, message: MessageView) -> dict[str, Any]:
        """A message as JSON; a reply being written shows all the text so far."""
        data = message.to_json()
        text = self.runner.live_text(message.id)
        if text is not None:
            data["content"] = text
        return data


def _reply_row(choice: Choice, notes: list[dict[str, str]]) -> dict[str, Any]:
    """The row of a reply about to stream."""
    provider, model = choice[0], choice[1]
    return {
        "role": "assistant",
        "content": "",
        "status": "streaming",
        "provider": provider,
        "model": model[:MAX_MODEL],  # a project's setting may name a longer one
        "context": notes,
    }
