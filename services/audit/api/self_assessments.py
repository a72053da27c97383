"""Routes: self-assessments, their answers and their evidence files."""

from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile

from services.audit.api.roles import CompanyFileReader, CompanyFileWriter
from services.audit.api.schemas import (
    AnswersUpdate,
    EvidenceListPublic,
    EvidencePublic,
    SelfAssessmentCreate,
    SelfAssessmentDetailPublic,
    SelfAssessmentPublic,
    SelfAssessmentsPublic,
    page,
)
from services.audit.domain.evidence_types import OCTET_STREAM, SERVABLE, served_media_type
from services.audit.domain.filters import EvidenceFilter, SelfAssessmentFilter
from services.audit.handlers import self_assessments as handlers
from services.audit.wiring import AuditConfigDep, StorageDep
from shared.bodies import read_upload
from shared.deps import CursorQuery, LimitQuery, ReadDbDep, UowDep
from shared.idempotency import idempotent
from shared.schemas import StorableText

router = APIRouter(tags=["self-assessment"])
Detail = SelfAssessmentDetailPublic


def printable_name(name: str | None) -> str:
    """The client's file name without control characters (kept only to name the download)."""
    return "".join(ch for ch in name or "" if ch.isprintable())[:255] or "evidence"


@router.post(
    "/self-assessments",
    summary="Start a participant's self-assessment against a version of the standard",
    status_code=201,
    response_model=SelfAssessmentPublic,
)
async def create_self_assessment(
    body: SelfAssessmentCreate, request: Request, uow: UowDep, caller: CompanyFileWriter
):
    async def action() -> SelfAssessmentPublic:
        return SelfAssessmentPublic.model_validate(await handlers.create(uow, caller, body))

    return await idempotent(request, uow, action, subject=caller.subject)


@router.get("/self-assessments", summary="List self-assessments", response_model=SelfAssessmentsPublic)
async def list_self_assessments(
    db: ReadDbDep,
    caller: CompanyFileReader,
    filters: Annotated[SelfAssessmentFilter, Query()],
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> SelfAssessmentsPublic:
    return page(
        SelfAssessmentsPublic, await handlers.page(db, caller, filters=filters, cursor=cursor, limit=limit)
    )


@router.get(
    "/self-assessments/{assessment_id}",
    summary="A self-assessment with its answers and its level per aspect and overall",
    response_model=Detail,
)
async def get_self_assessment(assessment_id: uuid.UUID, db: ReadDbDep, caller: CompanyFileReader) -> Detail:
    return Detail.of(await handlers.read(db, caller, assessment_id=assessment_id))


@router.put(
    "/self-assessments/{assessment_id}/answers",
    summary="Mark requirements not implemented / partial / implemented (any number at once)",
    response_model=Detail,
)
async def record_self_assessment_answers(
    assessment_id: uuid.UUID, body: AnswersUpdate, uow: UowDep, caller: CompanyFileWriter
) -> Detail:
    return Detail.of(await handlers.record_answers(uow, caller, assessment_id, body))


@router.post(
    "/self-assessments/{assessment_id}/evidence",
    summary="Attach an evidence file to a requirement (the same content again returns the existing one, 200)",
    status_code=201,
    response_model=EvidencePublic,
    responses={
        200: {"model": EvidencePublic, "description": "The same content was already attached: that file"}
    },
)
async def upload_evidence(
    assessment_id: uuid.UUID,
    requirement_code: Annotated[StorableText, Form(examples=["A5.R01"])],
    file: Annotated[UploadFile, File(description="the evidence (PDF, image, spreadsheet...)")],
    response: Response,
    uow: UowDep,
    storage: StorageDep,
    config: AuditConfigDep,
    caller: CompanyFileWriter,
) -> EvidencePublic:
    upload = handlers.Upload(
        requirement_code=requirement_code,
        file_name=printable_name(file.filename),
        media_type=file.content_type or "application/octet-stream",
        data=await read_upload(
            file,
            max_bytes=config.evidence_max_bytes,
            what="An evidence file",
            what_es="Un archivo de evidencia",
        ),
    )
    row, created = await handlers.add_evidence(uow, storage, caller, assessment_id, upload)
    if not created:
        response.status_code = 200
    return EvidencePublic.model_validate(row)


@router.get(
    "/self-assessments/{assessment_id}/evidence",
    summary="List a self-assessment's evidence files",
    response_model=EvidenceListPublic,
)
async def list_evidence(
    assessment_id: uuid.UUID,
    db: ReadDbDep,
    caller: CompanyFileReader,
    filters: Annotated[EvidenceFilter, Query()],
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> EvidenceListPublic:
    rows = await handlers.page_evidence(
        db, caller, assessment_id=assessment_id, filters=filters, cursor=cursor, limit=limit
    )
    return page(EvidenceListPublic, rows)


@router.get(
    "/evidence/{evidence_id}/content",
    summary="Download an evidence file",
    response_class=Response,
    responses={
        200: {
            # Exactly the types it can be served with (the allow-list, else octet-stream).
            "content": {
                media_type: {"schema": {"type": "string", "format": "binary"}}
                for media_type in sorted({*SERVABLE, OCTET_STREAM})
            },
            "description": "the file as uploaded; its type only when on the allow-list "
            "(documents, images, spreadsheets), else application/octet-stream",
        }
    },
)
async def download_evidence(
    evidence_id: uuid.UUID, db: ReadDbDep, storage: StorageDep, caller: CompanyFileReader
) -> Response:
    evidence, data = await handlers.read_evidence(db, storage, caller, evidence_id=evidence_id)
    return Response(
        content=data,
        media_type=served_media_type(evidence.media_type),
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(evidence.file_name)}",
            "ETag": f'"{evidence.sha256}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.delete(
    "/evidence/{evidence_id}", summary="Remove an evidence file", status_code=204, response_class=Response
)
async def delete_evidence(
    evidence_id: uuid.UUID, uow: UowDep, storage: StorageDep, caller: CompanyFileWriter
) -> Response:
    await handlers.delete_evidence(uow, storage, caller, evidence_id)
    return Response(status_code=204)
