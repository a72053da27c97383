"""Self-assessments and their answers; the evidence files attached to them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from services.audit.db.repositories.where import equal_to
from services.audit.db.tables import evidence_files, self_assessment_answers, self_assessments
from services.audit.domain.filters import EvidenceFilter, SelfAssessmentFilter
from shared.repository import Repository

ANSWERS_UPSERT = sa.text(
    """
    INSERT INTO audit.self_assessment_answers
        (assessment_id, requirement_code, status, note, answered_by, answered_at)
    SELECT :assessment_id, a.code, a.status, a.note, :answered_by, :answered_at
    FROM unnest(CAST(:codes AS text[]), CAST(:statuses AS text[]), CAST(:notes AS text[]))
        AS a(code, status, note)
    ON CONFLICT (assessment_id, requirement_code) DO UPDATE
    SET status = EXCLUDED.status, note = EXCLUDED.note,
        answered_by = EXCLUDED.answered_by, answered_at = EXCLUDED.answered_at
    """
)

t = self_assessments
e = evidence_files


class SelfAssessmentRepository(Repository):
    table = self_assessments
    noun = "Self-assessment"
    noun_es = "La autoevaluación"

    async def get(self, *, assessment_id: uuid.UUID, for_update: bool = False) -> sa.Row[Any] | None:
        return await self._one(self._select(t.c.id == assessment_id, for_update=for_update))

    async def get_or_raise(self, *, assessment_id: uuid.UUID, for_update: bool = False) -> sa.Row[Any]:
        if (row := await self.get(assessment_id=assessment_id, for_update=for_update)) is None:
            raise self._missing(assessment_id)
        return row

    async def get_for_participant(self, *, participant_id: uuid.UUID, version: str) -> sa.Row[Any] | None:
        return await self._one(
            self._select(t.c.participant_id == participant_id, t.c.standard_version == version)
        )

    async def page(
        self, *, filters: SelfAssessmentFilter, cursor: str | None, limit: int
    ) -> tuple[list[sa.Row[Any]], str | None]:
        stmt = self._select(*equal_to(t, filters))
        return await self._page(stmt, [t.c.created_at, t.c.id], cursor=cursor, limit=limit)

    async def create(self, *, values: dict[str, Any]) -> sa.Row[Any]:
        return await self._insert(values)

    async def update(self, *, assessment_id: uuid.UUID, values: dict[str, Any]) -> sa.Row[Any]:
        return await self._update(t.c.id == assessment_id, values)

    async def all_answers(self, *, assessment_id: uuid.UUID) -> list[sa.Row[Any]]:
        a = self_assessment_answers
        return await self._all(
            sa.select(a).where(a.c.assessment_id == assessment_id).order_by(a.c.requirement_code)
        )

    async def save_answers(
        self, *, assessment_id: uuid.UUID, answers: list[dict[str, Any]], by: str, at: datetime
    ) -> None:
        """All answers of one request in one statement."""
        await self.db.execute(
            ANSWERS_UPSERT,
            {
                "assessment_id": assessment_id,
                "codes": [x["requirement_code"] for x in answers],
                "statuses": [x["status"] for x in answers],
                "notes": [x.get("note") for x in answers],
                "answered_by": by,
                "answered_at": at,
            },
        )


class EvidenceRepository(Repository):
    table = evidence_files
    noun = "Evidence"
    noun_es = "La evidencia"

    async def get(self, *, evidence_id: uuid.UUID) -> sa.Row[Any] | None:
        return await self._one(self._select(e.c.id == evidence_id))

    async def get_or_raise(self, *, evidence_id: uuid.UUID) -> sa.Row[Any]:
        if (row := await self.get(evidence_id=evidence_id)) is None:
            raise self._missing(evidence_id)
        return row

    async def get_same(
        self, *, assessment_id: uuid.UUID, requirement_code: str, sha256: str
    ) -> sa.Row[Any] | None:
        """The file already attached to this requirement with this content, if any."""
        return await self._one(
            self._select(
                e.c.assessment_id == assessment_id,
                e.c.requirement_code == requirement_code,
                e.c.sha256 == sha256,
            )
        )

    async def page(
        self, *, assessment_id: uuid.UUID, filters: EvidenceFilter, cursor: str | None, limit: int
    ) -> tuple[list[sa.Row[Any]], str | None]:
        stmt = self._select(e.c.assessment_id == assessment_id, *equal_to(e, filters))
        return await self._page(stmt, [e.c.uploaded_at, e.c.id], cursor=cursor, limit=limit)

    async def create(self, *, values: dict[str, Any]) -> sa.Row[Any]:
        return await self._insert(values)

    async def delete(self, *, evidence_id: uuid.UUID) -> None:
        await self.db.execute(sa.delete(e).where(e.c.id == evidence_id))
