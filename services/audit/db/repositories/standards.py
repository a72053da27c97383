"""The standard's versions, aspects and requirements."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from services.audit.db.tables import (
    aspects,
    certification_audits,
    preaudits,
    requirements,
    self_assessments,
    standard_versions,
)
from services.audit.domain.standard import StandardDocument
from shared.errors import RuleViolation
from shared.repository import Repository

t = standard_versions
# Imports are rare and touch the "current" flag every version shares: one at a time.
IMPORT_LOCK = "audit:standard-import"


class StandardRepository(Repository):
    table = standard_versions
    noun = "Standard version"
    noun_es = "La versión de la norma"

    async def get(self, *, version: str, for_update: bool = False) -> sa.Row[Any] | None:
        return await self._one(self._select(t.c.version == version, for_update=for_update))

    async def get_or_raise(self, *, version: str, for_update: bool = False) -> sa.Row[Any]:
        if (row := await self.get(version=version, for_update=for_update)) is None:
            raise self._missing(version)
        return row

    async def get_current(self) -> sa.Row[Any]:
        row = await self._one(self._select(t.c.is_current))
        if row is None:
            raise RuleViolation(
                "no_current_standard",
                "No version of the standard is current; import one and make it current.",
                detail_es="No hay una versión vigente del estándar; importe una y márquela como vigente.",
            )
        return row

    async def get_named(self, *, version: str | None) -> sa.Row[Any]:
        """The version named, or the current one when none is."""
        return await (self.get_or_raise(version=version) if version else self.get_current())

    async def lock_imports(self) -> None:
        await self.db.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(IMPORT_LOCK))))

    async def page(self, *, cursor: str | None, limit: int) -> tuple[list[sa.Row[Any]], str | None]:
        return await self._page(self._select(), [t.c.version], cursor=cursor, limit=limit)

    async def all_aspects(self, *, version: str) -> list[sa.Row[Any]]:
        return await self._all(
            sa.select(aspects).where(aspects.c.version == version).order_by(aspects.c.number)
        )

    async def all_requirements(self, *, version: str) -> list[sa.Row[Any]]:
        a, r = aspects, requirements
        stmt = (
            sa.select(r)
            .join(a, sa.and_(a.c.version == r.c.version, a.c.code == r.c.aspect_code))
            .where(r.c.version == version)
            .order_by(a.c.number, r.c.position)
        )
        return await self._all(stmt)

    async def requirements_by_aspect(self, *, version: str) -> dict[str, list[str]]:
        """Aspect code -> its requirement codes, in the standard's order."""
        grouped: dict[str, list[str]] = {}
        for row in await self.all_requirements(version=version):
            grouped.setdefault(row.aspect_code, []).append(row.code)
        return grouped

    async def all_requirement_codes(self, *, version: str) -> list[str]:
        """Every requirement code of the version, in the standard's order."""
        return [row.code for row in await self.all_requirements(version=version)]

    async def is_used(self, *, version: str) -> bool:
        """Used = something was assessed or audited against it; it is then immutable."""
        uses = sa.union_all(
            *(
                sa.select(sa.literal(1)).where(x.c.standard_version == version).limit(1)
                for x in (self_assessments, preaudits, certification_audits)
            )
        )
        used: bool = (await self.db.execute(sa.select(sa.exists(uses.subquery())))).scalar_one()
        return used

    async def delete(self, *, version: str) -> None:
        """Aspects and requirements go with it (ON DELETE CASCADE)."""
        await self.db.execute(sa.delete(t).where(t.c.version == version))

    async def create(self, *, document: StandardDocument, imported_by: str, at: datetime) -> sa.Row[Any]:
        row = await self._insert(
            {
                "version": document.version,
                "title": document.title,
                "official": document.official,
                "source": document.source,
                "notes": document.notes,
                "is_current": False,
                "aspect_count": len(document.aspects),
                "requirement_count": len(document.requirements),
                "imported_by": imported_by,
                "imported_at": at,
            }
        )
        await self.db.execute(
            sa.insert(aspects), [{"version": document.version, **asdict(a)} for a in document.aspects]
        )
        await self.db.execute(
            sa.insert(requirements),
            [{"version": document.version, **asdict(r)} for r in document.requirements],
        )
        return row

    async def update(self, *, version: str, values: dict[str, Any]) -> sa.Row[Any]:
        return await self._update(t.c.version == version, values)

    async def make_current(self, *, version: str) -> None:
        await self.db.execute(
            sa.update(t).where(t.c.is_current, t.c.version != version).values(is_current=False)
        )
        await self.db.execute(sa.update(t).where(t.c.version == version).values(is_current=True))
