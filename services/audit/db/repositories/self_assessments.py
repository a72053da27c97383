"""Self-assessments, their answers and their evidence files."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from services.audit.db.repositories.base import Repository
from services.audit.db.tables import evidence_files, self_assessment_answers, self_assessments

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


class SelfAssessmentRepository(Repository):
    table, what = self_assessments, "Self-assessment"

    async def get_by_participant(self, participant_id: uuid.UUID, version: str) -> sa.Row | None:
        t = self_assessments
        stmt = sa.select(t).where(t.c.participant_id == participant_id, t.c.standard_version == version)
        return (await self.session.execute(stmt)).first()

    async def list(
        self,
        *,
        ruc: str | None,
        participant_id: uuid.UUID | None,
        cursor: str | None,
        limit: int,
    ) -> tuple[list[sa.Row], str | None]:
        t = self_assessments
        stmt = sa.select(t)
        if ruc is not None:
            stmt = stmt.where(t.c.ruc == ruc)
        if participant_id is not None:
            stmt = stmt.where(t.c.participant_id == participant_id)
        return await self.page(stmt, [t.c.created_at, t.c.id], cursor=cursor, limit=limit)

    async def answers(self, assessment_id: uuid.UUID) -> list[sa.Row]:
        t = self_assessment_answers
        stmt = sa.select(t).where(t.c.assessment_id == assessment_id).order_by(t.c.requirement_code)
        return list((await self.session.execute(stmt)).all())

    async def save_answers(
        self, assessment_id: uuid.UUID, answers: list[dict[str, Any]], *, by: str, at: datetime
    ) -> None:
        """All answers of one request in one statement."""
        await self.session.execute(
            ANSWERS_UPSERT,
            {
                "assessment_id": assessment_id,
                "codes": [a["requirement_code"] for a in answers],
                "statuses": [a["status"] for a in answers],
                "notes": [a.get("note") for a in answers],
                "answered_by": by,
                "answered_at": at,
            },
        )

    # -- evidence -------------------------------------------------------------------------------
    async def get_evidence(self, evidence_id: uuid.UUID) -> sa.Row | None:
        stmt = sa.select(evidence_files).where(evidence_files.c.id == evidence_id)
        return (await self.session.execute(stmt)).first()

    async def find_evidence(
        self, assessment_id: uuid.UUID, requirement_code: str, sha256: str
    ) -> sa.Row | None:
        t = evidence_files
        stmt = sa.select(t).where(
            t.c.assessment_id == assessment_id, t.c.requirement_code == requirement_code, t.c.sha256 == sha256
        )
        return (await self.session.execute(stmt)).first()

    async def create_evidence(self, **values: Any) -> sa.Row:
        stmt = sa.insert(evidence_files).values(**values).returning(evidence_files)
        return (await self.session.execute(stmt)).one()

    async def list_evidence(
        self, assessment_id: uuid.UUID, *, requirement_code: str | None, cursor: str | None, limit: int
    ) -> tuple[list[sa.Row], str | None]:
        t = evidence_files
        stmt = sa.select(t).where(t.c.assessment_id == assessment_id)
        if requirement_code is not None:
            stmt = stmt.where(t.c.requirement_code == requirement_code)
        return await self.page(stmt, [t.c.uploaded_at, t.c.id], cursor=cursor, limit=limit)

    async def delete_evidence(self, evidence_id: uuid.UUID) -> None:
        await self.session.execute(sa.delete(evidence_files).where(evidence_files.c.id == evidence_id))
