"""Certificates, their numbering sequence and their status history."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa

from services.audit.db.repositories.base import Repository
from services.audit.db.tables import (
    certificate_history,
    certificate_number_seq,
    certificates,
    mark_licence_history,
    mark_licences,
)
from services.audit.domain.lifecycles import EXPIRABLE_CERTIFICATE_STATES, CertificateStatus


class CertificateRepository(Repository):
    table, what = certificates, "Certificate"

    async def get_by_number(self, number: str, *, for_update: bool = False) -> sa.Row | None:
        stmt = sa.select(certificates).where(certificates.c.number == number)
        if for_update:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).first()

    async def latest_for_participant(self, participant_id: uuid.UUID) -> sa.Row | None:
        t = certificates
        stmt = (
            sa.select(t)
            .where(t.c.participant_id == participant_id)
            .order_by(t.c.issued_on.desc(), t.c.created_at.desc())
            .limit(1)
        )
        return (await self.session.execute(stmt)).first()

    async def next_sequence(self) -> int:
        return (await self.session.execute(sa.select(certificate_number_seq.next_value()))).scalar_one()

    async def list(
        self,
        *,
        ruc: str | None,
        body_id: uuid.UUID | None,
        status: str | None,
        cursor: str | None,
        limit: int,
    ) -> tuple[list[sa.Row], str | None]:
        t = certificates
        stmt = sa.select(t)
        for column, value in ((t.c.ruc, ruc), (t.c.body_id, body_id), (t.c.status, status)):
            if value is not None:
                stmt = stmt.where(column == value)
        return await self.page(stmt, [t.c.issued_on, t.c.id], cursor=cursor, limit=limit)

    async def expire_due(self, as_of: date, *, at: datetime) -> list[sa.Row]:
        """Move every certificate due on ``as_of`` to expired, returning those it moved.

        The status guard in the WHERE makes a second pass (or a concurrent one, which
        waits on the row locks and re-checks) find nothing: each certificate expires once.
        """
        t = certificates
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
        return list((await self.session.execute(stmt)).all())

    async def record_history(self, rows: list[dict]) -> None:
        if rows:
            await self.session.execute(sa.insert(certificate_history), rows)

    async def history(self, certificate_id: uuid.UUID) -> list[sa.Row]:
        t = certificate_history
        stmt = sa.select(t).where(t.c.certificate_id == certificate_id).order_by(t.c.id)
        return list((await self.session.execute(stmt)).all())


class MarkLicenceRepository(Repository):
    table, what = mark_licences, "Mark licence"

    async def get_by_certificate(
        self, certificate_id: uuid.UUID, *, for_update: bool = False
    ) -> sa.Row | None:
        stmt = sa.select(mark_licences).where(mark_licences.c.certificate_id == certificate_id)
        if for_update:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).first()

    async def record_history(self, rows: list[dict]) -> None:
        if rows:
            await self.session.execute(sa.insert(mark_licence_history), rows)

    async def history(self, licence_id: uuid.UUID) -> list[sa.Row]:
        t = mark_licence_history
        stmt = sa.select(t).where(t.c.licence_id == licence_id).order_by(t.c.id)
        return list((await self.session.execute(stmt)).all())
