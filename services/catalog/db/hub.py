"""Repository of the knowledge hub: resources, emission factors, success stories."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from services.catalog.db.tables import emission_factors, resources, success_stories
from services.catalog.domain.search import prefix_query
from shared.errors import NotFound
from shared.pagination import keyset_page, page_of

r, f, s = resources.c, emission_factors.c, success_stories.c
RESOURCE_COLUMNS = [c for c in resources.c if c.name != "search_vector"]
SPANISH = sa.literal_column("'spanish'::regconfig")
# A tag matches with accents and case folded ("Energía" finds "energia").
TAG_MATCHES = sa.text(
    "EXISTS (SELECT 1 FROM unnest(catalog.resources.tags) AS t(tag) WHERE catalog.fold(t.tag) = catalog.fold(:tag))"
)


# --- resources -----------------------------------------------------------------------------


async def get_resource(session: AsyncSession, *, resource_id: uuid.UUID) -> sa.Row | None:
    return (await session.execute(sa.select(*RESOURCE_COLUMNS).where(r.resource_id == resource_id))).first()


async def get_resource_or_raise(session: AsyncSession, *, resource_id: uuid.UUID) -> sa.Row:
    row = await get_resource(session, resource_id=resource_id)
    if row is None:
        raise NotFound("Resource", resource_id, detail_es=f"El recurso {resource_id} no existe.")
    return row


async def list_resources(
    session: AsyncSession,
    *,
    q: str | None,
    kind: str | None,
    tag: str | None,
    audience: str | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[sa.Row], str | None]:
    stmt = sa.select(*RESOURCE_COLUMNS)
    tsquery = prefix_query(q)
    if tsquery:
        stmt = stmt.where(
            r.search_vector.op("@@")(sa.func.to_tsquery(SPANISH, sa.func.catalog.fold(tsquery)))
        )
    if kind:
        stmt = stmt.where(r.kind == kind)
    if tag:
        stmt = stmt.where(TAG_MATCHES.bindparams(tag=tag))
    if audience:
        stmt = stmt.where(r.audiences.any(audience))
    stmt = keyset_page(stmt, [r.kind, r.title, r.resource_id], cursor=cursor, limit=limit)
    rows = list((await session.execute(stmt)).all())
    return page_of(rows, limit, key=lambda row: (row.kind, row.title, row.resource_id))


async def create_resource(session: AsyncSession, *, values: dict[str, Any]) -> None:
    await session.execute(sa.insert(resources).values(**values))


async def update_resource(session: AsyncSession, *, resource_id: uuid.UUID, values: dict[str, Any]) -> None:
    await session.execute(sa.update(resources).where(r.resource_id == resource_id).values(**values))


# --- emission factors ----------------------------------------------------------------------


async def list_emission_factors(session: AsyncSession) -> list[sa.Row]:
    stmt = sa.select(emission_factors).order_by(f.resource, f.code, f.valid_from, f.version)
    return list((await session.execute(stmt)).all())


async def current_factors(session: AsyncSession, *, on: date) -> list[sa.Row]:
    """For each code, the version in force ``on`` that date (latest ``valid_from`` not after it)."""
    stmt = (
        sa.select(emission_factors)
        .where(f.valid_from <= on)
        .ext(distinct_on(f.code))
        .order_by(f.code, f.valid_from.desc(), f.version.desc())
    )
    return list((await session.execute(stmt)).all())


async def get_factors(session: AsyncSession, *, refs: list[tuple[str, str]]) -> list[sa.Row]:
    if not refs:
        return []
    stmt = sa.select(emission_factors).where(sa.tuple_(f.code, f.version).in_(refs))
    return list((await session.execute(stmt)).all())


# --- success stories -------------------------------------------------------------------------


async def get_story(session: AsyncSession, *, story_id: uuid.UUID, for_update: bool = False) -> sa.Row | None:
    stmt = sa.select(success_stories).where(s.story_id == story_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).first()


async def get_story_or_raise(
    session: AsyncSession, *, story_id: uuid.UUID, for_update: bool = False
) -> sa.Row:
    row = await get_story(session, story_id=story_id, for_update=for_update)
    if row is None:
        raise NotFound("Success story", story_id, detail_es=f"El caso de éxito {story_id} no existe.")
    return row


async def list_stories(
    session: AsyncSession,
    *,
    statuses: list[str] | None,
    ruc: str | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[sa.Row], str | None]:
    stmt = sa.select(success_stories)
    if statuses:
        stmt = stmt.where(s.status.in_(statuses))
    if ruc:
        stmt = stmt.where(s.ruc == ruc)
    stmt = keyset_page(stmt, [s.created_at, s.story_id], cursor=cursor, limit=limit, descending=True)
    rows = list((await session.execute(stmt)).all())
    return page_of(rows, limit, key=lambda row: (row.created_at, row.story_id))


async def create_story(session: AsyncSession, *, values: dict[str, Any]) -> None:
    await session.execute(sa.insert(success_stories).values(**values))


async def update_story(session: AsyncSession, *, story_id: uuid.UUID, values: dict[str, Any]) -> None:
    await session.execute(sa.update(success_stories).where(s.story_id == story_id).values(**values))
