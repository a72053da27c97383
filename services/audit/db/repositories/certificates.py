"""Certificates, their numbering sequence and their status history; mark licences and theirs."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from services.audit.db.repositories.where import equal_to
from services.audit.db.tables import (
    certificate_history,
    certificate_number_seq,
    certificates,
    mark_licence_history,
    mark_licences,
)
from services.audit.domain.filters import CertificateFilter
from services.audit.domain.lifecycles import EXPIRABLE_CERTIFICATE_STATES, CertificateStatus
from shared.repository import Repository

t = certificates


class CertificateRepository(Repository):
    table = certificates
    noun = "Certificate"
    noun_es = "El certificado"

    async def get(self, *, certificate_id: uuid.UUID, for_update: bool = False) -> sa.Row[Any] | None:
        return await self._one(self._select(t.c.id == certificate_id, for_update=for_update))

    async def get_by_number(self, *, number: str, for_update: bool = False) -> sa.Row[Any] | None:
        return await self._one(self._select(t.c.number == number, for_update=for_update))

    async def latest_for_participant(self, *, participant_id: uuid.UUID) -> sa.Row[Any] | None:
        stmt = self._select(t.c.participant_id == participant_id)
        return await self._one(stmt.order_by(t.c.issued_on.desc(), t.c.created_at.desc()).limit(1))

    async def next_sequence(self) -> int:
        sequence: int = (await self.db.execute(sa.select(certificate_number_seq.next_value()))).scalar_one()
        return sequence

    async def page(
        self, *, filters: CertificateFilter, cursor: str | None, limit: int
    ) -> tuple[list[sa.Row[Any]], str | None]:
        stmt = self._select(*equal_to(t, filters))
        return await self._page(stmt, [t.c.issued_on, t.c.id], cursor=cursor, limit=limit)

    async def create(self, *, values: dict[str, Any]) -> sa.Row[Any]:
        return await self._insert(values)

    async def update(self, *, certificate_id: uuid.UUID, values: dict[str, Any]) -> sa.Row[Any]:
        return await self._update(t.c.id == certificate_id, values)

    async def expire_due(self, *, as_of: date, at: datetime) -> list[sa.Row[Any]]:
        """Move every certificate due on ``as_of`` to expired, returning those it moved.

        The status guard in the WHERE makes a second pass (or a concurrent one, which
        waits on the row locks and re-checks) find nothing: each certificate expires once.
        """
        before = (
            sa.select(t.c.id, t.c.status)
            .where(t.c.status.in_(EXPIRABLE_CERTIFICATE_STATES), t.c.expires_on <= as_of)
            .cte("before")
        )
        stmt = (
            sa.update(t)
            .where(t.c.id == before.c.id, t.c.status.in_(EXPIRABLE_CERTIFICATE_STATES))
            .values(status=CertificateStatus.expired, status_reason="validity ended", status_changed_at=at)
            .returning(t, before.c.status.label("previous_status"))
        )
        return list((await self.db.execute(stmt)).all())

    async def record_history(self, *, changes: list[dict[str, Any]]) -> None:
        if changes:
            await self.db.execute(sa.insert(certificate_history), changes)

    async def all_history(self, *, certificate_id: uuid.UUID) -> list[sa.Row[Any]]:
        h = certificate_history
        return await self._all(sa.select(h).where(h.c.certificate_id == certificate_id).order_by(h.c.id))


class MarkLicenceRepository(Repository):
    table = mark_licences
    noun = "Mark licence"
    noun_es = "La licencia de uso de la marca"

    async def get_for_certificate(
        self, *, certificate_id: uuid.UUID, for_update: bool = False
    ) -> sa.Row[Any] | None:
        return await self._one(
            self._select(mark_licences.c.certificate_id == certificate_id, for_update=for_update)
        )

    async def create(self, *, values: dict[str, Any]) -> sa.Row[Any]:
        return await self._insert(values)

    async def update(self, *, licence_id: uuid.UUID, values: dict[str, Any]) -> sa.Row[Any]:
        return await self._update(mark_licences.c.id == licence_id, values)

    async def record_history(self, *, changes: list[dict[str, Any]]) -> None:
        if changes:
            await self.db.execute(sa.insert(mark_licence_history), changes)

    async def all_history(self, *, licence_id: uuid.UUID) -> list[sa.Row[Any]]:
        h = mark_licence_history
        return await self._all(sa.select(h).where(h.c.licence_id == licence_id).order_by(h.c.id))
