"""Dependencies named once, as ``Annotated`` aliases, for every service's routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared.clock import Clock
from shared.pagination import DEFAULT_LIMIT, MAX_LIMIT
from shared.settings import Settings
from shared.uow import UnitOfWork


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _uow(request: Request) -> UnitOfWork:
    uow: UnitOfWork = request.app.state.uow_factory()
    return uow


def _clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


def _engine(request: Request) -> AsyncEngine:
    engine: AsyncEngine = request.app.state.engine
    return engine


async def _read_connection(request: Request) -> AsyncIterator[AsyncConnection]:
    """A pooled connection for hot read paths on SQLAlchemy Core (no ORM session cost)."""
    async with request.app.state.engine.connect() as conn:
        yield conn


SettingsDep = Annotated[Settings, Depends(_settings)]
UowDep = Annotated[UnitOfWork, Depends(_uow)]
ClockDep = Annotated[Clock, Depends(_clock)]
EngineDep = Annotated[AsyncEngine, Depends(_engine)]
ReadConnDep = Annotated[AsyncConnection, Depends(_read_connection)]
# The one read path (docs/conventions.md §2): handlers' read functions take ``db: ReadDb``.
ReadDb = AsyncConnection
ReadDbDep = ReadConnDep
CursorQuery = Annotated[str | None, Query(description="opaque cursor from the previous page's next_cursor")]
LimitQuery = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="page size")]
DEFAULT_PAGE_SIZE = DEFAULT_LIMIT
