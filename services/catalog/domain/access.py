"""Who may see and write which success story, beyond the role check on each route.

The kernel's rules per role (shared/access.py) applied to the hub's stories: the public sees
published stories only (any other is 404, as if it did not exist); a company reads and writes
only its own RUC's, in any state; an officer reads every story.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol

from services.catalog.domain.stories import StoryStatus
from shared.auth import Principal, Role
from shared.errors import NotFound


class StoryLike(Protocol):
    @property
    def story_id(self) -> uuid.UUID: ...
    @property
    def ruc(self) -> str: ...
    @property
    def status(self) -> str: ...


@dataclass(frozen=True)
class StoryScope:
    """What a listing is limited to."""

    statuses: list[str] | None
    ruc: str | None


def ensure_may_write_story(principal: Principal, ruc: str) -> None:
    """The route admits only companies (and admin); a company writes only its own story."""
    principal.ensure_company(ruc)


def ensure_may_read_story(caller: Principal | None, story: StoryLike) -> None:
    """The public (``None``) reads published stories only; a caller, what its role sees of the RUC."""
    if caller is None:
        if story.status != StoryStatus.published.value:
            raise NotFound(
                "Success story", story.story_id, detail_es=f"El caso de éxito {story.story_id} no existe."
            )
        return
    caller.ensure_company(story.ruc)


def story_scope(caller: Principal | None, *, statuses: list[str] | None, ruc: str | None) -> StoryScope:
    """The public lists published stories; a company only its own RUC's, whatever filter it asks for."""
    if caller is None:
        return StoryScope([StoryStatus.published.value], ruc)
    if caller.role == Role.company:
        own = caller.ruc or ""
        caller.ensure_company(own)  # a company credential bound to no RUC sees nothing
        return StoryScope(statuses, own)
    return StoryScope(statuses, ruc)
