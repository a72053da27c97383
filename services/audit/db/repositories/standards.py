"""The standard's versions, aspects and requirements."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from services.audit.db.repositories.base import Repository
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


class StandardRepository(Repository):
    table, what, key = standard_versions, "Standard version", "version"

    async def get_current(self) -> sa.Row:
        row = (
            await self.session.execute(sa.select(standard_versions).where(standard_versions.c.is_current))
        ).first()
        if row is None:
            raise RuleViolation(
                "no_current_standard",
                "No version of the standard is current; import one and make it current.",
                detail_es="No hay una versión vigente del estándar; importe una y márquela como vigente.",
            )
        return row

    async def list(self, *, cursor: str | None, limit: int) -> tuple[list[sa.Row], str | None]:
        t = standard_versions
        return await self.page(sa.select(t), [t.c.version], cursor=cursor, limit=limit)

    async def aspects(self, version: str) -> list[sa.Row]:
        stmt = sa.select(aspects).where(aspects.c.version == version).order_by(aspects.c.number)
        return list((await self.session.execute(stmt)).all())

    async def requirements(self, version: str) -> list[sa.Row]:
        a, r = aspects, requirements
        stmt = (
            sa.select(r)
            .join(a, sa.and_(a.c.version == r.c.version, a.c.code == r.c.aspect_code))
            .where(r.c.version == version)
            .order_by(a.c.number, r.c.position)
        )
        return list((await self.session.execute(stmt)).all())

    async def requirements_by_aspect(self, version: str) -> dict[str, list[str]]:
        """Aspect code -> its requirement codes, in the standard's order."""
        grouped: dict[str, list[str]] = {}
        for row in await self.requirements(version):
            grouped.setdefault(row.aspect_code, []).append(row.code)
        return grouped

    async def is_used(self, version: str) -> bool:
        """Used = something was assessed or audited against it; it is then immutable."""
        uses = sa.union_all(
            *(
                sa.select(sa.literal(1)).where(t.c.standard_version == version).limit(1)
                for t in (self_assessments, preaudits, certification_audits)
            )
        )
        return (await self.session.execute(sa.select(sa.exists(uses.subquery())))).scalar_one()

    async def delete(self, version: str) -> None:
        """Aspects and requirements go with it (ON DELETE CASCADE)."""
        await self.session.execute(sa.delete(standard_versions).where(standard_versions.c.version == version))

    async def create_document(self, doc: StandardDocument, *, imported_by: str, at: datetime) -> sa.Row:
        row = await self.create(
            version=doc.version,
            title=doc.title,
            official=doc.official,
            source=doc.source,
            notes=doc.notes,
            is_current=False,
            aspect_count=len(doc.aspects),
            requirement_count=len(doc.requirements),
            imported_by=imported_by,
            imported_at=at,
        )
        await self.session.execute(
            sa.insert(aspects),
            [
                {
                    "version": doc.version,
                    "code": a.code,
                    "number": a.number,
                    "name": a.name,
                    "description": a.description,
                }
                for a in doc.aspects
            ],
        )
        await self.session.execute(
            sa.insert(requirements),
            [
                {
                    "version": doc.version,
                    "code": r.code,
                    "aspect_code": r.aspect_code,
                    "position": r.position,
                    "text": r.text,
                    "evidence_expected": r.evidence_expected,
                    "workshop": r.workshop,
                }
                for r in doc.requirements
            ],
        )
        return row

    async def make_current(self, version: str) -> None:
        t = standard_versions
        await self.session.execute(
            sa.update(t).where(t.c.is_current, t.c.version != version).values(is_current=False)
        )
        await self.session.execute(sa.update(t).where(t.c.version == version).values(is_current=True))
