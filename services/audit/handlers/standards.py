"""The standard: list, read, import (PROMPERÚ's official version replaces the draft)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from services.audit.api.schemas import OfficialCreate
from services.audit.db.repositories import StandardRepository
from services.audit.domain.access import ensure_may_approve_official
from services.audit.domain.standard import StandardDocument
from services.audit.domain.trust import Structure, ensure_programme_structure
from shared.auth import Principal
from shared.deps import ReadDb
from shared.errors import Conflict
from shared.uow import UnitOfWork


@dataclass(frozen=True)
class StandardView:
    version: sa.Row[Any]
    aspects: list[sa.Row[Any]]
    requirements: list[sa.Row[Any]]


async def page(db: ReadDb, *, cursor: str | None, limit: int) -> tuple[list[sa.Row[Any]], str | None]:
    return await StandardRepository(db).page(cursor=cursor, limit=limit)


async def read(db: ReadDb, *, version: str) -> StandardView:
    """``current`` names whichever version is current."""
    repo = StandardRepository(db)
    row = await (repo.get_current() if version == "current" else repo.get_or_raise(version=version))
    return await _view(repo, row)


async def import_standard(
    uow: UnitOfWork, caller: Principal, document: StandardDocument, *, make_current: bool
) -> StandardView:
    """Create a version, or replace one nothing has used yet; used versions are immutable.

    Only an admin may import a version as official, and then it must have the programme's
    structure (8 aspects, 112 requirements); other counts go through ``mark_official``.
    """
    if document.official:
        ensure_may_approve_official(caller)
        ensure_programme_structure(
            document.version,
            Structure(len(document.aspects), len(document.requirements)),
            purpose="an official version",
        )
    async with uow:
        repo = StandardRepository(uow.session)
        await repo.lock_imports()
        version = document.version
        existing = await repo.get(version=version)
        if existing is not None:
            if await repo.is_used(version=version):
                raise Conflict(
                    f"Standard version '{version}' has been used by assessments or audits and cannot "
                    "change; import it under a new version name.",
                    detail_es=f"La versión '{version}' del estándar ya se usó en evaluaciones o auditorías "
                    "y no puede cambiar; impórtela con otro nombre de versión.",
                    extra={"version": version},
                )
            await repo.delete(version=version)
        created = await repo.create(document=document, imported_by=caller.subject, at=uow.clock.now())
        if document.official:
            await repo.update(
                version=version,
                values={
                    "official_approved_by": caller.subject,
                    "official_approved_at": uow.clock.now(),
                    "official_reason": "imported as official by an admin",
                },
            )
        if make_current or (existing is not None and existing.is_current):
            ensure_programme_structure(version, structure_of(created), purpose="the current version")
            await repo.make_current(version=version)
        view = await _view(repo, await repo.get_or_raise(version=version))
        await uow.commit()
    return view


async def make_current(uow: UnitOfWork, version: str) -> StandardView:
    """New self-assessments and pre-audits use the current version; existing ones keep theirs."""
    async with uow:
        repo = StandardRepository(uow.session)
        await repo.lock_imports()
        row = await repo.get_or_raise(version=version)
        ensure_programme_structure(version, structure_of(row), purpose="the current version")
        await repo.make_current(version=version)
        view = await _view(repo, await repo.get_or_raise(version=version))
        await uow.commit()
    return view


async def mark_official(
    uow: UnitOfWork, caller: Principal, version: str, body: OfficialCreate
) -> StandardView:
    """An admin approves a version as PROMPERÚ's official one, recorded with who, when and why.

    Its counts must be the programme's (8, 112) or the ones declared here.
    """
    ensure_may_approve_official(caller)
    declared_aspects, declared_requirements = body.declared_aspect_count, body.declared_requirement_count
    async with uow:
        repo = StandardRepository(uow.session)
        await repo.lock_imports()
        row = await repo.get_or_raise(version=version, for_update=True)
        ensure_programme_structure(
            version,
            Structure(row.aspect_count, row.requirement_count, declared_aspects, declared_requirements),
            purpose="an official version",
        )
        await repo.update(
            version=version,
            values={
                "official": True,
                "official_approved_by": caller.subject,
                "official_approved_at": uow.clock.now(),
                "official_reason": body.reason,
                "declared_aspect_count": declared_aspects,
                "declared_requirement_count": declared_requirements,
            },
        )
        view = await _view(repo, await repo.get_or_raise(version=version))
        await uow.commit()
    return view


def structure_of(row: sa.Row[Any]) -> Structure:
    """A version's counts, with the declared ones only where an admin approved them."""
    approved = row.official and row.official_approved_by is not None
    return Structure(
        row.aspect_count,
        row.requirement_count,
        row.declared_aspect_count if approved else None,
        row.declared_requirement_count if approved else None,
    )


async def _view(repo: StandardRepository, row: sa.Row[Any]) -> StandardView:
    return StandardView(
        row, await repo.all_aspects(version=row.version), await repo.all_requirements(version=row.version)
    )
