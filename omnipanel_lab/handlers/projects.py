"""REST handlers for projects, their members, tags, and archives."""

from __future__ import annotations

from urllib.parse import quote

from jupyter_server.auth.decorator import authorized
from tornado import web
from tornado.iostream import StreamClosedError

from ..chats.export import parse_import
from ..errors import InvalidInputError
from ..projects.archive import CAP_HINT
from ..projects.validation import normalize_folder, parse_project_query
from .base import API_PREFIX, OmniPanelHandler
from .upload import UploadSpool

PROJECT_ID = r"(?P<project_id>[^/]+)"
USERNAME = r"(?P<username>[^/]+)"


class ProjectsHandler(OmniPanelHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        query = parse_project_query(
            {name: self.get_arguments(name) for name in self.request.arguments}
        )
        page = await (await self.projects()).list(self.identity, query)
        self.write_json(page.to_json())

    @web.authenticated
    @authorized
    async def post(self) -> None:
        project = await (await self.projects()).create(self.identity, self.json_body())
        location = f"{self.base_url.rstrip('/')}{API_PREFIX}/projects/{project.id}"
        self.set_header("Location", location)
        self.write_json(project.to_json(), status=201)


class ProjectHandler(OmniPanelHandler):
    @web.authenticated
    @authorized
    async def get(self, project_id: str) -> None:
        project = await (await self.projects()).get(self.identity, project_id)
        self.write_json(project.to_json())

    @web.authenticated
    @authorized
    async def patch(self, project_id: str) -> None:
        service = await self.projects()
        project = await service.update(self.identity, project_id, self.json_body())
        self.write_json(project.to_json())

    @web.authenticated
    @authorized
    async def delete(self, project_id: str) -> None:
        delete_files = self.get_argument("delete_files", "false").lower()
        if delete_files not in ("true", "false"):
            raise InvalidInputError("'delete_files' must be 'true' or 'false'.")
        service = await self.projects()
        await service.delete(self.identity, project_id, delete_files=delete_files == "true")
        self.set_status(204)
        self.finish()


class ProjectExportHandler(OmniPanelHandler):
    @web.authenticated
    @authorized
    async def get(self, project_id: str) -> None:
        chats = await self.services.chats()
        export = await (await self.projects()).export_archive(
            self.identity, project_id, lambda: chats.export_project(self.identity, project_id)
        )
        try:  # sizes are settled: from here on the zip goes out as it is made
            self.set_header("Content-Type", "application/zip")
            self.set_header(
                "Content-Disposition", f"attachment; filename*=UTF-8''{quote(export.filename)}"
            )
            async for chunk in export.chunks():
                self.write(chunk)
                await self.flush()
            self.finish()
        except StreamClosedError:
            self.log.info("%s: the client left before the export ended", self.request.path)
        except Exception as error:
            # Half a zip must not look whole: cut the connection instead of ending the body.
            self.log.warning("%s: export stopped: %s", self.request.path, error)
            self.request.connection.close()  # type: ignore[union-attr]
        finally:
            await export.close()


class ProjectDiffHandler(OmniPanelHandler):
    @web.authenticated
    @authorized
    async def get(self, project_id: str) -> None:
        self.write_json(await (await self.projects()).diff(self.identity, project_id))


@web.stream_request_body
class ProjectImportHandler(OmniPanelHandler):
    """The archive arrives in pieces into a temporary file (capped as it comes), never
    whole in memory; who may send it is checked before its first byte is read."""

    upload: UploadSpool | None = None

    async def prepare(self) -> None:
        await super().prepare()
        await self._admit()

    @web.authenticated
    @authorized
    async def _admit(self) -> None:
        max_bytes = (await self.projects()).folders.max_bytes
        self.upload = UploadSpool(max_bytes, CAP_HINT)
        self.upload.check_declared(self.request.headers.get("Content-Length"))
        # Uploads up to the cap pass whatever the server's max_body_size; past it the spool
        # answers a JSON 413, and tornado cuts off a body that goes on far beyond.
        self.request.connection.set_max_body_size(max_bytes + (16 << 20))  # type: ignore[union-attr]

    async def data_received(self, chunk: bytes) -> None:
        assert self.upload is not None
        await self.upload.write(chunk)

    @web.authenticated
    @authorized
    async def post(self) -> None:
        assert self.upload is not None
        folder = self.get_argument("folder", None)
        chats = await self.services.chats()
        project = await (await self.projects()).import_archive(
            self.identity,
            await self.upload.file(),
            folder=normalize_folder(folder) if folder is not None else None,
            check_chat=parse_import,
            add_chats=lambda project, items: chats.import_chats(self.identity, project.id, items),
        )
        self.write_json(project.to_json(), status=201)

    def on_finish(self) -> None:
        if self.upload is not None:
            self.upload.close()


class TagsHandler(OmniPanelHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        tags = await (await self.projects()).tags(self.identity)
        self.write_json({"items": tags})


class MembersHandler(OmniPanelHandler):
    @web.authenticated
    @authorized
    async def get(self, project_id: str) -> None:
        members = await (await self.projects()).members(self.identity, project_id)
        self.write_json({"items": members})


class MemberHandler(OmniPanelHandler):
    @web.authenticated
    @authorized
    async def put(self, project_id: str, username: str) -> None:
        service = await self.projects()
        member = await service.set_member(self.identity, project_id, username, self.json_body())
        self.write_json(member)

    @web.authenticated
    @authorized
    async def delete(self, project_id: str, username: str) -> None:
        await (await self.projects()).remove_member(self.identity, project_id, username)
        self.set_status(204)
        self.finish()


HANDLERS = [
    (rf"{API_PREFIX}/projects", ProjectsHandler),
    (rf"{API_PREFIX}/projects/import", ProjectImportHandler),
    (rf"{API_PREFIX}/projects/{PROJECT_ID}", ProjectHandler),
    (rf"{API_PREFIX}/projects/{PROJECT_ID}/export", ProjectExportHandler),
    (rf"{API_PREFIX}/projects/{PROJECT_ID}/diff", ProjectDiffHandler),
    (rf"{API_PREFIX}/projects/{PROJECT_ID}/members", MembersHandler),
    (rf"{API_PREFIX}/projects/{PROJECT_ID}/members/{USERNAME}", MemberHandler),
    (rf"{API_PREFIX}/tags", TagsHandler),
]
