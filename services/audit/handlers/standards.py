"""The standard: list, read, import (PROMPERÚ's official version replaces the draft)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from services.audit.db.repositories import StandardRepository
from services.audit.domain.standard import StandardDocument
from shared.auth import Principal
from shared.errors import Conflict
from shared.uow import UnitOfWork

# Imports are rare and touch the "current" flag every version shares: one at a time.
IMPORT_LOCK = "audit:standard-import"


@dataclass(frozen=True)
class StandardView:
    version: sa.Row
    aspects: list[sa.Row]
    requirements: list[sa.Row]


async def list_standards(
    uow: UnitOfWork, *, cursor: str | None, limit: int
) -> tuple[list[sa.Row], str | None]:
    async with uow:
        return await StandardRepository(uow.session).list(cursor=cursor, limit=limit)


async def get_standard(uow: UnitOfWork, version: str) -> StandardView:
    async with uow:
        repo = StandardRepository(uow.session)
        row = await (repo.get_current() if version == "current" else repo.get_or_raise(version))
        return StandardView(row, await repo.aspects(row.version), await repo.requirements(row.version))


async def import_standard(
    uow: UnitOfWork, actor: Principal, doc: StandardDocument, *, make_current: bool
) -> StandardView:
    """Create a version, or replace one nothing has used yet; used versions are immutable."""
    async with uow:
        await uow.session.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(IMPORT_LOCK))))
        repo = StandardRepository(uow.session)
        existing = await repo.get(doc.version)
        if existing is not None:
            if await repo.is_used(doc.version):
                raise Conflict(
                    f"Standard version '{doc.version}' has been used by assessments or audits and cannot "
                    "change; import it under a new version name.",
                    detail_es=f"La versión '{doc.version}' del estándar ya se usó en evaluaciones o auditorías "
                    "y no puede cambiar; impórtela con otro nombre de versión.",
                    extra={"version": doc.version},
                )
            await repo.delete(doc.version)
        await repo.create_document(doc, imported_by=actor.subject, at=uow.clock.now())
        if make_current or (existing is not None and existing.is_current):
            await repo.make_current(doc.version)
        view = StandardView(
            await repo.get_or_raise(doc.version),
            await repo.aspects(doc.version),
            await repo.requirements(doc.version),
        )
        await uow.commit()
    return view


async def make_current(uow: UnitOfWork, version: str) -> StandardView:
    """New self-assessments and pre-audits use the current version; existing ones keep theirs."""
    async with uow:
        await uow.session.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(IMPORT_LOCK))))
        repo = StandardRepository(uow.session)
        await repo.get_or_raise(version)
        await repo.make_current(version)
        view = StandardView(
            await repo.get_or_raise(version), await repo.aspects(version), await repo.requirements(version)
        )
        await uow.commit()
    return view
