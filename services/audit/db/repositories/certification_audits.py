"""Certification audits requested by organisations and performed by certification bodies."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from services.audit.db.repositories.where import equal_to
from services.audit.db.tables import certification_audits
from services.audit.domain.filters import CertificationAuditFilter
from services.audit.domain.lifecycles import OPEN_CERTIFICATION_AUDIT_STATES
from shared.repository import Repository

t = certification_audits


class CertificationAuditRepository(Repository):
    table = certification_audits
    noun = "Certification audit"
    noun_es = "La auditoría de certificación"

    async def get(self, *, audit_id: uuid.UUID, for_update: bool = False) -> sa.Row[Any] | None:
        return await self._one(self._select(t.c.id == audit_id, for_update=for_update))

    async def get_or_raise(self, *, audit_id: uuid.UUID, for_update: bool = False) -> sa.Row[Any]:
        if (row := await self.get(audit_id=audit_id, for_update=for_update)) is None:
            raise self._missing(audit_id)
        return row

    async def get_open(self, *, participant_id: uuid.UUID) -> sa.Row[Any] | None:
        return await self._one(
            self._select(
                t.c.participant_id == participant_id, t.c.status.in_(OPEN_CERTIFICATION_AUDIT_STATES)
            )
        )

    async def page(
        self, *, filters: CertificationAuditFilter, cursor: str | None, limit: int
    ) -> tuple[list[sa.Row[Any]], str | None]:
        stmt = self._select(*equal_to(t, filters))
        return await self._page(stmt, [t.c.requested_at, t.c.id], cursor=cursor, limit=limit)

    async def create(self, *, values: dict[str, Any]) -> sa.Row[Any]:
        return await self._insert(values)

    async def update(self, *, audit_id: uuid.UUID, values: dict[str, Any]) -> sa.Row[Any]:
        return await self._update(t.c.id == audit_id, values)
