"""Pre-audits and their per-requirement results."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from services.audit.db.repositories.base import Repository
from services.audit.db.tables import preaudit_results, preaudits
from services.audit.domain.lifecycles import OPEN_PREAUDIT_STATES

# One statement for a whole pre-audit: the 112 results travel as three arrays.
RESULTS_UPSERT = sa.text(
    """
    INSERT INTO audit.preaudit_results (preaudit_id, requirement_code, result, finding, recorded_at)
    SELECT :preaudit_id, r.code, r.result, r.finding, :recorded_at
    FROM unnest(CAST(:codes AS text[]), CAST(:results AS text[]), CAST(:findings AS text[]))
        AS r(code, result, finding)
    ON CONFLICT (preaudit_id, requirement_code) DO UPDATE
    SET result = EXCLUDED.result, finding = EXCLUDED.finding, recorded_at = EXCLUDED.recorded_at
    """
)


class PreauditRepository(Repository):
    table, what = preaudits, "Pre-audit"

    async def get_open(self, participant_id: uuid.UUID) -> sa.Row | None:
        t = preaudits
        stmt = sa.select(t).where(t.c.participant_id == participant_id, t.c.status.in_(OPEN_PREAUDIT_STATES))
        return (await self.session.execute(stmt)).first()

    async def list(
        self,
        *,
        ruc: str | None,
        participant_id: uuid.UUID | None,
        status: str | None,
        auditor: str | None,
        cursor: str | None,
        limit: int,
    ) -> tuple[list[sa.Row], str | None]:
        t = preaudits
        stmt = sa.select(t)
        for column, value in (
            (t.c.ruc, ruc),
            (t.c.participant_id, participant_id),
            (t.c.status, status),
            (t.c.auditor, auditor),
        ):
            if value is not None:
                stmt = stmt.where(column == value)
        return await self.page(stmt, [t.c.created_at, t.c.id], cursor=cursor, limit=limit)

    async def save_results(
        self, preaudit_id: uuid.UUID, results: list[dict[str, Any]], *, at: datetime
    ) -> None:
        await self.session.execute(
            RESULTS_UPSERT,
            {
                "preaudit_id": preaudit_id,
                "codes": [r["requirement_code"] for r in results],
                "results": [r["result"] for r in results],
                "findings": [r.get("finding") for r in results],
                "recorded_at": at,
            },
        )

    async def results(self, preaudit_id: uuid.UUID) -> list[sa.Row]:
        t = preaudit_results
        stmt = sa.select(t).where(t.c.preaudit_id == preaudit_id).order_by(t.c.requirement_code)
        return list((await self.session.execute(stmt)).all())

    async def count_results(self, preaudit_id: uuid.UUID) -> int:
        t = preaudit_results
        stmt = sa.select(sa.func.count()).where(t.c.preaudit_id == preaudit_id)
        return (await self.session.execute(stmt)).scalar_one()
