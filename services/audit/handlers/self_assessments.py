"""Self-assessment: the company (helped by its monitor) marks each requirement and attaches
evidence; it sees its implementation level per aspect and overall."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from services.audit.api.schemas import AnswersUpdate, SelfAssessmentCreate
from services.audit.db.repositories import (
    EvidenceRepository,
    ParticipantRepository,
    SelfAssessmentRepository,
    StandardRepository,
)
from services.audit.domain.access import ensure_can_fill, ensure_can_see, narrow
from services.audit.domain.filters import EvidenceFilter, SelfAssessmentFilter
from services.audit.domain.levels import AspectTally, tally
from services.audit.domain.participation import ensure_active
from services.audit.domain.standard import requirement_code_errors
from services.audit.events import publish
from services.audit.storage import EvidenceStorage
from shared.auth import Principal
from shared.deps import ReadDb
from shared.errors import Conflict, InvalidInput
from shared.repository import Executor
from shared.uow import UnitOfWork


@dataclass(frozen=True)
class SelfAssessmentView:
    assessment: sa.Row[Any]
    answers: list[sa.Row[Any]]
    tallies: list[AspectTally]


# -- reads ------------------------------------------------------------------------------------
async def page(
    db: ReadDb, caller: Principal, *, filters: SelfAssessmentFilter, cursor: str | None, limit: int
) -> tuple[list[sa.Row[Any]], str | None]:
    return await SelfAssessmentRepository(db).page(
        filters=narrow(caller, filters), cursor=cursor, limit=limit
    )


async def read(db: ReadDb, caller: Principal, *, assessment_id: uuid.UUID) -> SelfAssessmentView:
    assessment = await SelfAssessmentRepository(db).get_or_raise(assessment_id=assessment_id)
    ensure_can_see(caller, assessment.ruc)
    return await _view(db, assessment)


async def page_evidence(
    db: ReadDb,
    caller: Principal,
    *,
    assessment_id: uuid.UUID,
    filters: EvidenceFilter,
    cursor: str | None,
    limit: int,
) -> tuple[list[sa.Row[Any]], str | None]:
    assessment = await SelfAssessmentRepository(db).get_or_raise(assessment_id=assessment_id)
    ensure_can_see(caller, assessment.ruc)
    return await EvidenceRepository(db).page(
        assessment_id=assessment_id, filters=filters, cursor=cursor, limit=limit
    )


async def read_evidence(
    db: ReadDb, storage: EvidenceStorage, caller: Principal, *, evidence_id: uuid.UUID
) -> tuple[sa.Row[Any], bytes]:
    evidence = await EvidenceRepository(db).get_or_raise(evidence_id=evidence_id)
    assessment = await SelfAssessmentRepository(db).get_or_raise(assessment_id=evidence.assessment_id)
    ensure_can_see(caller, assessment.ruc)
    return evidence, await storage.get(evidence.storage_key)


# -- writes -----------------------------------------------------------------------------------
async def create(uow: UnitOfWork, caller: Principal, body: SelfAssessmentCreate) -> sa.Row[Any]:
    async with uow:
        participants = ParticipantRepository(uow.session)
        participant = await participants.get_or_raise(participant_id=body.participant_id, for_update=True)
        ensure_can_fill(caller, participant)
        ensure_active(participant)
        standard = await StandardRepository(uow.session).get_named(version=body.standard_version)
        repo = SelfAssessmentRepository(uow.session)
        existing = await repo.get_for_participant(
            participant_id=body.participant_id, version=standard.version
        )
        if existing is not None:
            raise Conflict(
                f"{participant.legal_name} already has a self-assessment against version {standard.version}.",
                detail_es=f"{participant.legal_name} ya tiene una autoevaluación de la versión {standard.version}.",
                extra={"self_assessment_id": str(existing.id)},
            )
        now = uow.clock.now()
        row = await repo.create(
            values={
                "id": uuid.uuid4(),
                "participant_id": body.participant_id,
                "ruc": participant.ruc,
                "standard_version": standard.version,
                "created_by": caller.subject,
                "created_at": now,
                "updated_at": now,
            }
        )
        await uow.commit()
    return row


async def record_answers(
    uow: UnitOfWork, caller: Principal, assessment_id: uuid.UUID, body: AnswersUpdate
) -> SelfAssessmentView:
    """Save a batch of answers and publish the new levels (one event per batch)."""
    answers = [a.model_dump(mode="json") for a in body.answers]
    async with uow:
        repo = SelfAssessmentRepository(uow.session)
        assessment, participant = await _fillable(uow, caller, assessment_id)
        ensure_active(participant)
        by_aspect = await StandardRepository(uow.session).requirements_by_aspect(
            version=assessment.standard_version
        )
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
        await repo.save_answers(assessment_id=assessment_id, answers=answers, by=caller.subject, at=now)
        assessment = await repo.update(assessment_id=assessment_id, values={"updated_at": now})
        view = await _view(uow.session, assessment, by_aspect)
        uow.publish(publish.self_assessment_updated(assessment, view.tallies, now))
        await uow.commit()
    return view


@dataclass(frozen=True)
class Upload:
    requirement_code: str
    file_name: str
    media_type: str
    data: bytes


async def add_evidence(
    uow: UnitOfWork,
    storage: EvidenceStorage,
    caller: Principal,
    assessment_id: uuid.UUID,
    upload: Upload,
) -> tuple[sa.Row[Any], bool]:
    """Store a file for a requirement; the same content twice is the same evidence (no copy).

    Returns the evidence row and whether it was new. The file is written before the row
    commits and removed again if the transaction fails, so no row points at nothing.
    """
    sha256 = hashlib.sha256(upload.data).hexdigest()
    async with uow:
        assessment, _ = await _fillable(uow, caller, assessment_id)
        known = set(
            await StandardRepository(uow.session).all_requirement_codes(version=assessment.standard_version)
        )
        errors = requirement_code_errors(known, [upload.requirement_code], "form")
        if errors:
            raise InvalidInput(f"'{upload.requirement_code}' is not a requirement of this version.", errors)
        evidence = EvidenceRepository(uow.session)
        existing = await evidence.get_same(
            assessment_id=assessment_id, requirement_code=upload.requirement_code, sha256=sha256
        )
        if existing is not None:
            return existing, False
        evidence_id = uuid.uuid4()
        key = f"evidence/{assessment_id}/{evidence_id}"
        await storage.put(key, upload.data)
        try:
            row = await evidence.create(
                values={
                    "id": evidence_id,
                    "assessment_id": assessment_id,
                    "requirement_code": upload.requirement_code,
                    "file_name": upload.file_name,
                    "media_type": upload.media_type,
                    "size_bytes": len(upload.data),
                    "sha256": sha256,
                    "storage_key": key,
                    "uploaded_by": caller.subject,
                    "uploaded_at": uow.clock.now(),
                }
            )
            await uow.commit()
        except BaseException:
            await storage.delete(key)
            raise
    return row, True


async def delete_evidence(
    uow: UnitOfWork, storage: EvidenceStorage, caller: Principal, evidence_id: uuid.UUID
) -> None:
    async with uow:
        repo = EvidenceRepository(uow.session)
        evidence = await repo.get_or_raise(evidence_id=evidence_id)
        await _fillable(uow, caller, evidence.assessment_id)
        await repo.delete(evidence_id=evidence_id)
        await uow.commit()
    # After the commit: a failed unlink leaves an unreferenced file, never a dangling row.
    await storage.delete(evidence.storage_key)


async def _fillable(
    uow: UnitOfWork, caller: Principal, assessment_id: uuid.UUID
) -> tuple[sa.Row[Any], sa.Row[Any]]:
    """The assessment (locked) and its participant, once the caller may fill it."""
    assessment = await SelfAssessmentRepository(uow.session).get_or_raise(
        assessment_id=assessment_id, for_update=True
    )
    participant = await ParticipantRepository(uow.session).get_or_raise(
        participant_id=assessment.participant_id
    )
    ensure_can_fill(caller, participant)
    return assessment, participant


async def _view(
    db: Executor, assessment: sa.Row[Any], by_aspect: dict[str, list[str]] | None = None
) -> SelfAssessmentView:
    if by_aspect is None:
        by_aspect = await StandardRepository(db).requirements_by_aspect(version=assessment.standard_version)
    answers = await SelfAssessmentRepository(db).all_answers(assessment_id=assessment.id)
    return SelfAssessmentView(
        assessment, answers, tally(by_aspect, {a.requirement_code: a.status for a in answers})
    )
