"""The standard: list, read, import (PROMPERÚ's official version replaces the draft)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from services.audit.db.repositories import StandardRepository
from services.audit.domain.standard import StandardDocument
from services.audit.domain.trust import Structure, ensure_programme_structure
from shared.auth import Principal, Role
from shared.errors import Conflict, Forbidden
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
    """Create a version, or replace one nothing has used yet; used versions are immutable.

    Only an admin may import a version as official, and then it must have the programme's
    structure (8 aspects, 112 requirements); other counts go through ``mark_official``.
    """
    if doc.official:
        _ensure_admin(actor)
        ensure_programme_structure(
            doc.version, Structure(len(doc.aspects), len(doc.requirements)), purpose="an official version"
        )
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
        created = await repo.create_document(doc, imported_by=actor.subject, at=uow.clock.now())
        if doc.official:
            await repo.update(
                doc.version,
                official_approved_by=actor.subject,
                official_approved_at=uow.clock.now(),
                official_reason="imported as official by an admin",
            )
        if make_current or (existing is not None and existing.is_current):
            ensure_programme_structure(doc.version, structure_of(created), purpose="the current version")
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
        row = await repo.get_or_raise(version)
        ensure_programme_structure(version, structure_of(row), purpose="the current version")
        await repo.make_current(version)
        view = StandardView(
            await repo.get_or_raise(version), await repo.aspects(version), await repo.requirements(version)
        )
        await uow.commit()
    return view


def structure_of(row: sa.Row) -> Structure:
    """A version's counts, with the declared ones only where an admin approved them."""
    approved = row.official and row.official_approved_by is not None
    return Structure(
        row.aspect_count,
        row.requirement_count,
        row.declared_aspect_count if approved else None,
        row.declared_requirement_count if approved else None,
    )


def _ensure_admin(actor: Principal) -> None:
    if actor.role != Role.admin:
        raise Forbidden(
            "Only an admin marks a version of the standard official.",
            detail_es="Solo un administrador marca como oficial una versión del estándar.",
            extra={"allowed_roles": [Role.admin.value]},
        )


async def mark_official(
    uow: UnitOfWork,
    actor: Principal,
    version: str,
    *,
    reason: str,
    declared_aspects: int | None,
    declared_requirements: int | None,
) -> StandardView:
    """An admin approves a version as PROMPERÚ's official one, recorded with who, when and why.

    Its counts must be the programme's (8, 112) or the ones declared here.
    """
    _ensure_admin(actor)
    async with uow:
        await uow.session.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(IMPORT_LOCK))))
        repo = StandardRepository(uow.session)
        row = await repo.get_or_raise(version, for_update=True)
        ensure_programme_structure(
            version,
            Structure(row.aspect_count, row.requirement_count, declared_aspects, declared_requirements),
            purpose="an official version",
        )
        await repo.update(
            version,
            official=True,
            official_approved_by=actor.subject,
            official_approved_at=uow.clock.now(),
            official_reason=reason,
            declared_aspect_count=declared_aspects,
            declared_requirement_count=declared_requirements,
        )
        view = StandardView(
            await repo.get_or_raise(version), await repo.aspects(version), await repo.requirements(version)
        )
        await uow.commit()
    return view
