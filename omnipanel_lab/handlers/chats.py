"""REST and streaming handlers for chats: list, messages, replies, search, export.

A reply is generated on the server (see ``chats.generation``); its events stream follows
it, and a closed stream only stops the following, never the reply.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from jupyter_server.auth.decorator import authorized
from tornado import web
from tornado.iostream import StreamClosedError

from ..chats.validation import (
    MAX_PAGE,
    parse_id_filter,
    parse_id_list,
    parse_search_query,
    parse_title_filter,
)
from ..common import int_arg
from ..errors import InvalidInputError, OmniPanelError, PayloadTooLargeError
from ..projects.validation import normalize_tags
from .base import API_PREFIX, EventStreamHandler, OmniPanelHandler

if TYPE_CHECKING:
    from ..chats.reply_stream import Generation
    from ..chats.service import ChatService

CHAT_ID = r"(?P<chat_id>[^/]+)"
MESSAGE_ID = r"(?P<message_id>[^/]+)"
MAX_IMPORT_BYTES = 50 * 1024 * 1024


class ChatHandlerBase(OmniPanelHandler):
    async def chats(self) -> ChatService:
        return await self.services.chats()


class ChatsHandler(ChatHandlerBase):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        tag = self.get_argument("tag", None)
        items, total = await (await self.chats()).list(
            self.identity,
            parse_id_filter(self.get_argument("project_id", None), "project_id"),
            normalize_tags([tag])[0] if tag is not None else None,
            int_arg(self.get_argument("limit", "50"), "limit", 1, MAX_PAGE),
            int_arg(self.get_argument("offset", "0"), "offset", 0, 10**9),
            parse_title_filter(self.get_argument("q", None, strip=False)),
            parse_id_list(self.get_arguments("id"), "id"),
        )
        self.write_json({"items": [chat.to_json() for chat in items], "total": total})

    @web.authenticated
    @authorized
    async def post(self) -> None:
        chat = await (await self.chats()).create(self.identity, self.json_body())
        self.set_header("Location", f"{self.base_url.rstrip('/')}{API_PREFIX}/chats/{chat.id}")
        self.write_json(chat.to_json(), status=201)


class ChatHandler(ChatHandlerBase):
    @web.authenticated
    @authorized
    async def get(self, chat_id: str) -> None:
        """The chat and its shown branch (``?leaf=`` picks another branch; ``?limit=``
        sends only its last messages, ``branch_length`` says how many there are)."""
        limit = self.get_argument("limit", None)
        chat, steps, length = await (await self.chats()).thread(
            self.identity,
            chat_id,
            self.get_argument("leaf", None),
            int_arg(limit, "limit", 1, 100_000) if limit else None,
        )
        messages = [{**message, "siblings": siblings} for message, siblings in steps]
        self.write_json({**chat.to_json(), "messages": messages, "branch_length": length})

    @web.authenticated
    @authorized
    async def patch(self, chat_id: str) -> None:
        chat = await (await self.chats()).update(self.identity, chat_id, self.json_body())
        self.write_json(chat.to_json())

    @web.authenticated
    @authorized
    async def delete(self, chat_id: str) -> None:
        await (await self.chats()).delete(self.identity, chat_id)
        self.set_status(204)
        self.finish()


class MessagesHandler(ChatHandlerBase):
    @web.authenticated
    @authorized
    async def post(self, chat_id: str) -> None:
        """Send a message (``parent_id`` of an earlier reply makes a branch); the reply
        starts on the server and is followed at its ``events`` URL."""
        question, reply = await (await self.chats()).send(self.identity, chat_id, self.json_body())
        self.write_json({"message": question.to_json(), "reply": reply.to_json()}, status=201)


class RegenerateHandler(ChatHandlerBase):
    @web.authenticated
    @authorized
    async def post(self, chat_id: str, message_id: str) -> None:
        reply = await (await self.chats()).regenerate(self.identity, chat_id, message_id)
        self.write_json({"reply": reply.to_json()}, status=201)


class StopHandler(ChatHandlerBase):
    @web.authenticated
    @authorized
    async def post(self, chat_id: str, message_id: str) -> None:
        message = await (await self.chats()).stop(self.identity, chat_id, message_id)
        self.write_json(message.to_json())


class MessageEventsHandler(EventStreamHandler):
    """Follow a reply: ``snapshot`` {content} (all the text so far), then ``text``
    {text} per delta, then ``done`` {message}, or ``error`` {message, reason} when the
    stored reply cannot be read back. A finished reply gets ``snapshot`` and ``done`` at
    once."""

    @web.authenticated
    @authorized
    async def get(self, chat_id: str, message_id: str) -> None:
        service = await self.services.chats()
        message = await service.message(self.identity, chat_id, message_id)
        generation = service.runner.running(message.id)
        self.start_event_stream()
        try:
            if generation is None:
                await self.send_event("snapshot", {"content": message.content})
            else:
                await self._follow(generation)
            try:
                final = await service.message(self.identity, chat_id, message.id)
            except OmniPanelError as error:  # e.g. the store went away while it streamed
                await self.send_event("error", {"message": error.message, "reason": error.reason})
            else:
                await self.send_event("done", {"message": final.to_json()})
        except StreamClosedError:
            return  # the reader left; the reply goes on
        self.end_event_stream()

    async def _follow(self, generation: Generation) -> None:
        with generation.follow() as follower:
            await self.send_event("snapshot", {"content": follower.snapshot})
            while True:
                # Whatever arrived since the last write goes as one event (chats.reply_stream).
                text, status = await follower.next()
                if text:
                    self.queue_event("text", {"text": text})
                # The previous write (done by now unless the reader is slow: then the text
                # waits in the follower and leaves as one larger event).
                await self.sent()
                if status is not None:
                    return


class SearchHandler(ChatHandlerBase):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        query = parse_search_query(
            {name: self.get_arguments(name) for name in self.request.arguments}
        )
        hits = await (await self.chats()).search(self.identity, query)
        self.write_json({"items": [hit.to_json() for hit in hits]})


class ExportHandler(ChatHandlerBase):
    @web.authenticated
    @authorized
    async def get(self, chat_id: str) -> None:
        kind = self.get_argument("format", "markdown")
        name, media_type, text = await (await self.chats()).export(self.identity, chat_id, kind)
        self.set_header("Content-Disposition", f"attachment; filename*=UTF-8''{quote(name)}")
        # APIHandler.finish would label every download application/json.
        self.finish(text, set_content_type=f"{media_type}; charset=utf-8")


class ImportHandler(ChatHandlerBase):
    @web.authenticated
    @authorized
    async def post(self) -> None:
        """``?project_id=``; the body is a chat exported as JSON."""
        project_id = self.get_argument("project_id", None)
        if not project_id:
            raise InvalidInputError("Say which project gets the chat: '?project_id='.")
        if len(self.request.body) > MAX_IMPORT_BYTES:
            raise PayloadTooLargeError("The export is larger than 50 MB.")
        chat = await (await self.chats()).import_chat(self.identity, project_id, self.json_body())
        self.write_json(chat.to_json(), status=201)


HANDLERS = [
    (rf"{API_PREFIX}/chats", ChatsHandler),
    (rf"{API_PREFIX}/chats/search", SearchHandler),
    (rf"{API_PREFIX}/chats/import", ImportHandler),
    (rf"{API_PREFIX}/chats/{CHAT_ID}", ChatHandler),
    (rf"{API_PREFIX}/chats/{CHAT_ID}/export", ExportHandler),
    (rf"{API_PREFIX}/chats/{CHAT_ID}/messages", MessagesHandler),
    (rf"{API_PREFIX}/chats/{CHAT_ID}/messages/{MESSAGE_ID}/regenerate", RegenerateHandler),
    (rf"{API_PREFIX}/chats/{CHAT_ID}/messages/{MESSAGE_ID}/stop", StopHandler),
    (rf"{API_PREFIX}/chats/{CHAT_ID}/messages/{MESSAGE_ID}/events", MessageEventsHandler),
]
