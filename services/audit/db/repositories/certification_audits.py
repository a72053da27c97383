"""Certification audits requested by organisations and performed by certification bodies."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from services.audit.db.repositories.base import Repository
from services.audit.db.tables import certification_audits
from services.audit.domain.lifecycles import OPEN_CERTIFICATION_AUDIT_STATES


class CertificationAuditRepository(Repository):
    table, what = certification_audits, "Certification audit"

    async def get_open(self, participant_id: uuid.UUID) -> sa.Row | None:
        t = certification_audits
        stmt = sa.select(t).where(
            t.c.participant_id == participant_id, t.c.status.in_(OPEN_CERTIFICATION_AUDIT_STATES)
        )
        return (await self.session.execute(stmt)).first()

    async def list(
        self,
        *,
        ruc: str | None,
        body_id: uuid.UUID | None,
        participant_id: uuid.UUID | None,
        status: str | None,
        cursor: str | None,
        limit: int,
    ) -> tuple[list[sa.Row], str | None]:
        t = certification_audits
        stmt = sa.select(t)
        filters = (
            (t.c.ruc, ruc),
            (t.c.body_id, body_id),
            (t.c.participant_id, participant_id),
            (t.c.status, status),
        )
        for column, value in filters:
            if value is not None:
                stmt = stmt.where(column == value)
        return await self.page(stmt, [t.c.requested_at, t.c.id], cursor=cursor, limit=limit)
