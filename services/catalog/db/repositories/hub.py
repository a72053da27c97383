"""Repositories of the knowledge hub: resources, emission factors, success stories."""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import distinct_on

from services.catalog.db.tables import emission_factors, resources, success_stories
from services.catalog.domain.search import words
from shared.pagination import keyset_page, page_of
from shared.repository import Repository

r, f, s = resources.c, emission_factors.c, success_stories.c
RESOURCE_COLUMNS = [c for c in resources.c if c.name != "search_vector"]
# A tag matches with accents and case folded ("Energía" finds "energia").
TAG_MATCHES = sa.text(
    "EXISTS (SELECT 1 FROM unnest(catalog.resources.tags) AS t(tag) WHERE catalog.fold(t.tag) = catalog.fold(:tag))"
)


@dataclass(frozen=True)
class ResourceFilters:
    q: str | None = None
    kind: str | None = None
    tag: str | None = None
    audience: str | None = None


class ResourceRepository(Repository):
    table = resources
    noun = "Resource"
    noun_es = "El recurso"

    async def get(self, *, resource_id: uuid.UUID) -> sa.Row[Any] | None:
        return await self._one(sa.select(*RESOURCE_COLUMNS).where(r.resource_id == resource_id))

    async def get_or_raise(self, *, resource_id: uuid.UUID) -> sa.Row[Any]:
        row = await self.get(resource_id=resource_id)
        if row is None:
            raise self._missing(resource_id)
        return row

    async def page(
        self, *, filters: ResourceFilters, cursor: str | None, limit: int
    ) -> tuple[list[sa.Row[Any]], str | None]:
        stmt = sa.select(*RESOURCE_COLUMNS)
        kind, tag, audience = filters.kind, filters.tag, filters.audience
        # Every word as a prefix (migration 0006's catalog.prefix_term), all of them.
        terms: list[sa.ColumnElement[Any]] = [
            sa.func.catalog.prefix_term(sa.func.catalog.fold(w)) for w in words(filters.q)
        ]
        if terms:
            stmt = stmt.where(r.search_vector.op("@@")(functools.reduce(lambda a, b: a.op("&&")(b), terms)))
        if kind:
            stmt = stmt.where(r.kind == kind)
        if tag:
            stmt = stmt.where(TAG_MATCHES.bindparams(tag=tag))
        if audience:
            stmt = stmt.where(r.audiences.any(audience))
        return await self._page(stmt, [r.kind, r.title, r.resource_id], cursor=cursor, limit=limit)

    async def create(self, *, values: dict[str, Any]) -> sa.Row[Any]:
        stmt = sa.insert(resources).values(**values).returning(*RESOURCE_COLUMNS)
        row: sa.Row[Any] = (await self.db.execute(stmt)).one()
        return row

    async def update(self, *, resource_id: uuid.UUID, values: dict[str, Any]) -> sa.Row[Any]:
        stmt = (
            sa.update(resources)
            .where(r.resource_id == resource_id)
            .values(**values)
            .returning(*RESOURCE_COLUMNS)
        )
        row: sa.Row[Any] = (await self.db.execute(stmt)).one()
        return row


class EmissionFactorRepository(Repository):
    """Cited, versioned factors (``code``, ``version``)."""

    table = emission_factors
    noun = "Emission factor"
    noun_es = "El factor de emisión"

    async def all(self) -> list[sa.Row[Any]]:
        """Every version of every factor."""
        return await self._all(
            sa.select(emission_factors).order_by(f.resource, f.code, f.valid_from, f.version)
        )

    async def all_in_force(self, *, on: date) -> list[sa.Row[Any]]:
        """For each code, the version in force ``on`` that date (latest ``valid_from`` not after it)."""
        stmt = (
            sa.select(emission_factors)
            .where(f.valid_from <= on)
            .ext(distinct_on(f.code))
            .order_by(f.code, f.valid_from.desc(), f.version.desc())
        )
        return await self._all(stmt)

    async def all_for_refs(self, *, refs: list[tuple[str, str]]) -> list[sa.Row[Any]]:
        """The factors named by ``(code, version)``."""
        if not refs:
            return []
        return await self._all(sa.select(emission_factors).where(sa.tuple_(f.code, f.version).in_(refs)))


class StoryRepository(Repository):
    table = success_stories
    noun = "Success story"
    noun_es = "El caso de éxito"

    async def get(self, *, story_id: uuid.UUID, for_update: bool = False) -> sa.Row[Any] | None:
        return await self._one(self._select(s.story_id == story_id, for_update=for_update))

    async def get_or_raise(self, *, story_id: uuid.UUID, for_update: bool = False) -> sa.Row[Any]:
        row = await self.get(story_id=story_id, for_update=for_update)
        if row is None:
            raise self._missing(story_id)
        return row

    async def page(
        self, *, statuses: list[str] | None, ruc: str | None, cursor: str | None, limit: int
    ) -> tuple[list[sa.Row[Any]], str | None]:
        """Newest first."""
        stmt = sa.select(success_stories)
        if statuses:
            stmt = stmt.where(s.status.in_(statuses))
        if ruc:
            stmt = stmt.where(s.ruc == ruc)
        order: list[sa.ColumnElement[Any]] = [s.created_at, s.story_id]
        rows = await self._all(keyset_page(stmt, order, cursor=cursor, limit=limit, descending=True))
        return page_of(rows, limit, key=lambda row: (row.created_at, row.story_id))

    async def create(self, *, values: dict[str, Any]) -> sa.Row[Any]:
        return await self._insert(values)

    async def update(self, *, story_id: uuid.UUID, values: dict[str, Any]) -> sa.Row[Any]:
        return await self._update(s.story_id == story_id, values)
