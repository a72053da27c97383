"""Self-assessment: the company (helped by its monitor) marks each requirement and attaches
evidence; it sees its implementation level per aspect and overall."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from services.audit.db.repositories import (
    ParticipantRepository,
    SelfAssessmentRepository,
    StandardRepository,
)
from services.audit.domain.access import company_filter, ensure_can_fill, ensure_can_see
from services.audit.domain.errors import InvalidInput, PayloadTooLarge
from services.audit.domain.levels import AspectTally, tally
from services.audit.domain.participation import ensure_active
from services.audit.domain.standard import requirement_code_errors
from services.audit.events import publish
from services.audit.storage import EvidenceStorage
from shared.auth import Principal
from shared.errors import Conflict, NotFound
from shared.uow import UnitOfWork


@dataclass(frozen=True)
class SelfAssessmentView:
    assessment: sa.Row
    answers: list[sa.Row]
    tallies: list[AspectTally]


async def create_self_assessment(
    uow: UnitOfWork, actor: Principal, *, participant_id: uuid.UUID, version: str | None
) -> sa.Row:
    async with uow:
        participant = await ParticipantRepository(uow.session).get_or_raise(participant_id, for_update=True)
        ensure_can_fill(actor, participant)
        ensure_active(participant)
        standards = StandardRepository(uow.session)
        standard = await (standards.get_or_raise(version) if version else standards.get_current())
        repo = SelfAssessmentRepository(uow.session)
        existing = await repo.get_by_participant(participant_id, standard.version)
        if existing is not None:
            raise Conflict(
                f"{participant.legal_name} already has a self-assessment against version {standard.version}.",
                detail_es=f"{participant.legal_name} ya tiene una autoevaluación de la versión {standard.version}.",
                extra={"self_assessment_id": str(existing.id)},
            )
        now = uow.clock.now()
        row = await repo.create(
            id=uuid.uuid4(),
            participant_id=participant_id,
            ruc=participant.ruc,
            standard_version=standard.version,
            created_by=actor.subject,
            created_at=now,
            updated_at=now,
        )
        await uow.commit()
    return row


async def list_self_assessments(
    uow: UnitOfWork,
    actor: Principal,
    *,
    ruc: str | None,
    participant_id: uuid.UUID | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[sa.Row], str | None]:
    async with uow:
        return await SelfAssessmentRepository(uow.session).list(
            ruc=company_filter(actor, ruc), participant_id=participant_id, cursor=cursor, limit=limit
        )


async def get_self_assessment(
    uow: UnitOfWork, actor: Principal, assessment_id: uuid.UUID
) -> SelfAssessmentView:
    async with uow:
        repo = SelfAssessmentRepository(uow.session)
        assessment = await repo.get_or_raise(assessment_id)
        ensure_can_see(actor, assessment.ruc)
        return await _view(uow, assessment)


async def record_answers(
    uow: UnitOfWork, actor: Principal, assessment_id: uuid.UUID, answers: list[dict[str, Any]]
) -> SelfAssessmentView:
    """Save a batch of answers and publish the new levels (one event per batch)."""
    async with uow:
        repo = SelfAssessmentRepository(uow.session)
        assessment = await repo.get_or_raise(assessment_id, for_update=True)
        participant = await ParticipantRepository(uow.session).get_or_raise(assessment.participant_id)
        ensure_can_fill(actor, participant)
        ensure_active(participant)
        by_aspect = await StandardRepository(uow.session).requirements_by_aspect(assessment.standard_version)
        known = {code for codes in by_aspect.values() for code in codes}
        errors = requirement_code_errors(known, [a["requirement_code"] for a in answers], "answers")
        if errors:
            raise InvalidInput(
                f"{len(errors)} answer(s) name no requirement of version {assessment.standard_version} or repeat one.",
                errors,
                detail_es=f"{len(errors)} respuesta(s) no corresponden a requisitos de la versión "
                f"{assessment.standard_version} o se repiten.",
            )
        now = uow.clock.now()
        await repo.save_answers(assessment_id, answers, by=actor.subject, at=now)
        assessment = await repo.update(assessment_id, updated_at=now)
        view = await _view(uow, assessment, by_aspect)
        uow.publish(publish.self_assessment_updated(assessment, view.tallies, now))
        await uow.commit()
    return view


async def _view(
    uow: UnitOfWork, assessment: sa.Row, by_aspect: dict[str, list[str]] | None = None
) -> SelfAssessmentView:
    if by_aspect is None:
        by_aspect = await StandardRepository(uow.session).requirements_by_aspect(assessment.standard_version)
    answers = await SelfAssessmentRepository(uow.session).answers(assessment.id)
    return SelfAssessmentView(
        assessment, answers, tally(by_aspect, {a.requirement_code: a.status for a in answers})
    )


# -- evidence ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Upload:
    requirement_code: str
    file_name: str
    media_type: str
    data: bytes


async def add_evidence(
    uow: UnitOfWork,
    storage: EvidenceStorage,
    actor: Principal,
    assessment_id: uuid.UUID,
    upload: Upload,
    *,
    max_bytes: int,
) -> tuple[sa.Row, bool]:
    """Store a file for a requirement; the same content twice is the same evidence (no copy).

    Returns the evidence row and whether it was new. The file is written before the row
    commits and removed again if the transaction fails, so no row points at nothing.
    """
    if len(upload.data) > max_bytes:
        raise PayloadTooLarge(
            f"Evidence files are limited to {max_bytes} bytes.",
            detail_es=f"Los archivos de evidencia tienen un límite de {max_bytes} bytes.",
            extra={"max_bytes": max_bytes},
        )
    sha256 = hashlib.sha256(upload.data).hexdigest()
    async with uow:
        repo = SelfAssessmentRepository(uow.session)
        assessment = await repo.get_or_raise(assessment_id, for_update=True)
        participant = await ParticipantRepository(uow.session).get_or_raise(assessment.participant_id)
        ensure_can_fill(actor, participant)
        known = await StandardRepository(uow.session).requirements_by_aspect(assessment.standard_version)
        errors = requirement_code_errors(
            {c for codes in known.values() for c in codes}, [upload.requirement_code], "form"
        )
        if errors:
            raise InvalidInput(f"'{upload.requirement_code}' is not a requirement of this version.", errors)
        existing = await repo.find_evidence(assessment_id, upload.requirement_code, sha256)
        if existing is not None:
            return existing, False
        evidence_id = uuid.uuid4()
        key = f"evidence/{assessment_id}/{evidence_id}"
        await storage.put(key, upload.data)
        try:
            row = await repo.create_evidence(
                id=evidence_id,
                assessment_id=assessment_id,
                requirement_code=upload.requirement_code,
                file_name=upload.file_name,
                media_type=upload.media_type,
                size_bytes=len(upload.data),
                sha256=sha256,
                storage_key=key,
                uploaded_by=actor.subject,
                uploaded_at=uow.clock.now(),
            )
            await uow.commit()
        except BaseException:
            await storage.delete(key)
            raise
    return row, True


async def list_evidence(
    uow: UnitOfWork,
    actor: Principal,
    assessment_id: uuid.UUID,
    *,
    requirement_code: str | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[sa.Row], str | None]:
    async with uow:
        repo = SelfAssessmentRepository(uow.session)
        assessment = await repo.get_or_raise(assessment_id)
        ensure_can_see(actor, assessment.ruc)
        return await repo.list_evidence(
            assessment_id, requirement_code=requirement_code, cursor=cursor, limit=limit
        )


async def read_evidence(
    uow: UnitOfWork, storage: EvidenceStorage, actor: Principal, evidence_id: uuid.UUID
) -> tuple[sa.Row, bytes]:
    async with uow:
        repo = SelfAssessmentRepository(uow.session)
        evidence = await _evidence_or_raise(repo, evidence_id)
        assessment = await repo.get_or_raise(evidence.assessment_id)
    ensure_can_see(actor, assessment.ruc)
    return evidence, await storage.get(evidence.storage_key)


async def delete_evidence(
    uow: UnitOfWork, storage: EvidenceStorage, actor: Principal, evidence_id: uuid.UUID
) -> None:
    async with uow:
        repo = SelfAssessmentRepository(uow.session)
        evidence = await _evidence_or_raise(repo, evidence_id)
        assessment = await repo.get_or_raise(evidence.assessment_id, for_update=True)
        participant = await ParticipantRepository(uow.session).get_or_raise(assessment.participant_id)
        ensure_can_fill(actor, participant)
        await repo.delete_evidence(evidence_id)
        await uow.commit()
    # After the commit: a failed unlink leaves an unreferenced file, never a dangling row.
    await storage.delete(evidence.storage_key)


async def _evidence_or_raise(repo: SelfAssessmentRepository, evidence_id: uuid.UUID) -> sa.Row:
    evidence = await repo.get_evidence(evidence_id)
    if evidence is None:
        raise NotFound("Evidence", evidence_id, detail_es=f"La evidencia {evidence_id} no existe.")
    return evidence
