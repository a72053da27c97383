"""Pre-audits and their per-requirement results."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from services.audit.db.repositories.where import equal_to
from services.audit.db.tables import preaudit_results, preaudits
from services.audit.domain.filters import PreauditFilter
from services.audit.domain.lifecycles import OPEN_PREAUDIT_STATES
from shared.repository import Repository

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

t = preaudits
r = preaudit_results


class PreauditRepository(Repository):
    table = preaudits
    noun = "Pre-audit"
    noun_es = "La preauditoría"

    async def get(self, *, preaudit_id: uuid.UUID, for_update: bool = False) -> sa.Row[Any] | None:
        return await self._one(self._select(t.c.id == preaudit_id, for_update=for_update))

    async def get_or_raise(self, *, preaudit_id: uuid.UUID, for_update: bool = False) -> sa.Row[Any]:
        if (row := await self.get(preaudit_id=preaudit_id, for_update=for_update)) is None:
            raise self._missing(preaudit_id)
        return row

    async def get_open(self, *, participant_id: uuid.UUID) -> sa.Row[Any] | None:
        return await self._one(
            self._select(t.c.participant_id == participant_id, t.c.status.in_(OPEN_PREAUDIT_STATES))
        )

    async def page(
        self, *, filters: PreauditFilter, cursor: str | None, limit: int
    ) -> tuple[list[sa.Row[Any]], str | None]:
        stmt = self._select(*equal_to(t, filters))
        return await self._page(stmt, [t.c.created_at, t.c.id], cursor=cursor, limit=limit)

    async def create(self, *, values: dict[str, Any]) -> sa.Row[Any]:
        return await self._insert(values)

    async def update(self, *, preaudit_id: uuid.UUID, values: dict[str, Any]) -> sa.Row[Any]:
        return await self._update(t.c.id == preaudit_id, values)

    async def save_results(
        self, *, preaudit_id: uuid.UUID, results: list[dict[str, Any]], at: datetime
    ) -> None:
        await self.db.execute(
            RESULTS_UPSERT,
            {
                "preaudit_id": preaudit_id,
                "codes": [x["requirement_code"] for x in results],
                "results": [x["result"] for x in results],
                "findings": [x.get("finding") for x in results],
                "recorded_at": at,
            },
        )

    async def all_results(self, *, preaudit_id: uuid.UUID) -> list[sa.Row[Any]]:
        return await self._all(
            sa.select(r).where(r.c.preaudit_id == preaudit_id).order_by(r.c.requirement_code)
        )

    async def count_results(self, *, preaudit_id: uuid.UUID) -> int:
        stmt = sa.select(sa.func.count()).where(r.c.preaudit_id == preaudit_id)
        count: int = (await self.db.execute(stmt)).scalar_one()
        return count
