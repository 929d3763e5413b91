"""The model a request uses when it names none."""

from __future__ import annotations

from ..identity import Identity
from ..projects.service import ProjectService


class DefaultModel:
    def __init__(self, projects: ProjectService, setting: str) -> None:
        self.projects = projects
        self.provider, _, self.model = setting.partition("/")  # c.OmniPanelApp.default_model

    async def choose(self, identity: Identity, project_id: str | None) -> tuple[str, str]:
        """(provider, model): the project's model settings, else the server's default."""
        if project_id is not None:
            project = await self.projects.get(identity, project_id)
            provider = project.model.get("provider")
            if isinstance(provider, str) and provider:
                return provider, str(project.model.get("model", ""))
        return self.provider, self.model
