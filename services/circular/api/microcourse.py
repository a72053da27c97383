"""The WhatsApp micro-course: the provider's signed messages (public, signed), enrolment lists,
learners and reach (staff)."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from fastapi import APIRouter, Query, Request

from services.circular.api.roles import IndicatorReader, LearnerReader, MicrocourseImporter
from services.circular.api.schemas import (
    LearnerPublic,
    LearnersPublic,
    MicrocourseImportPublic,
    MicrocourseReachPublic,
    MicrocourseReceipt,
)
from services.circular.domain.provider_messages import ProviderMessage
from services.circular.domain.reference import Node
from services.circular.domain.signatures import TOLERANCE_SECONDS
from services.circular.handlers import microcourse
from shared.deps import DEFAULT_PAGE_SIZE, ClockDep, CursorQuery, LimitQuery, ReadDbDep, SettingsDep, UowDep
from shared.errors import BadRequest
from shared.openapi import csv_request_body

router = APIRouter(tags=["micro-course"])
public = APIRouter(tags=["micro-course"])


def _inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """A pydantic JSON schema with its ``$defs`` inlined (an operation's body cannot point at them)."""
    defs = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return walk(copy.deepcopy(defs[ref.removeprefix("#/$defs/")]))
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    result: dict[str, Any] = walk(schema)
    return result


def _header(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "header",
        "required": True,
        "schema": {"type": "string"},
        "description": description,
    }


MESSAGE_SCHEMA = _inlined(ProviderMessage.model_json_schema())
WEBHOOK_DOC = {
    "x-public": True,
    "parameters": [
        _header(
            "webhook-id", "the message id: the same on every retry; a message id seen before changes nothing"
        ),
        _header(
            "webhook-timestamp",
            f"Unix seconds of this delivery; more than {TOLERANCE_SECONDS} s from now is refused (401)",
        ),
        _header(
            "webhook-signature",
            "`v1,<base64 HMAC-SHA256>` of `{webhook-id}.{webhook-timestamp}.{raw body}` under the shared "
            "`whsec_` secret; several space-separated while the provider rotates its secret",
        ),
    ],
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": MESSAGE_SCHEMA, "example": MESSAGE_SCHEMA.pop("example")}},
    },
}


@public.post(
    "/microcourse/webhooks",
    response_model=MicrocourseReceipt,
    summary="Receive a micro-course provider's signed message (Standard Webhooks)",
    responses={
        400: {"description": "signed, but not a micro-course message (the fields at fault listed)"},
    },
    openapi_extra=WEBHOOK_DOC,
)
async def receive_microcourse_message(
    request: Request, uow: UowDep, settings: SettingsDep
) -> MicrocourseReceipt:
    receipt = await microcourse.receive_message(
        uow, settings, body=await request.body(), headers=dict(request.headers)
    )
    return MicrocourseReceipt(message_id=receipt.message_id, outcome=receipt.outcome)


async def _file_bytes(request: Request) -> bytes:
    body = await request.body()
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        upload = (await request.form()).get("file")
        if upload is None or isinstance(upload, str):
            raise BadRequest(
                "Send the list as the multipart field 'file'.",
                detail_es="Envíe la lista en el campo multipart 'file'.",
                extra={"errors": [{"field": "file", "in": "body", "message": "missing"}]},
            )
        body = await upload.read()
    if not body.strip():
        raise BadRequest("The file is empty.", detail_es="El archivo está vacío.")
    return body


IMPORT_BODY = {
    "requestBody": csv_request_body(
        "Teléfono;Nodo;Género;RUC;Fecha de inscripción;Módulos completados;Fecha de finalización\n"
        "987654321;Arequipa;Mujer;20100070970;02/03/2026;5;09/03/2026\n"
    )
}
IMPORT_BODY["requestBody"]["content"]["application/octet-stream"]["schema"]["description"] = (
    "The list's bytes: CSV (UTF-8, UTF-16 or Windows-1252; `,` `;` or tab) or an .xlsx workbook (its first "
    "sheet); `text/csv` and the .xlsx media type are accepted too."
)
IMPORT_BODY["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]["file"][
    "description"
] = "the CSV or .xlsx file"


@router.post(
    "/microcourse/imports",
    response_model=MicrocourseImportPublic,
    summary="Import a micro-course enrolment list (CSV or XLSX): bad rows reported by line, good rows recorded",
    openapi_extra=IMPORT_BODY,
)
async def import_microcourse_list(
    request: Request, uow: UowDep, settings: SettingsDep, caller: MicrocourseImporter
) -> MicrocourseImportPublic:
    report = await microcourse.import_list(uow, settings, await _file_bytes(request))
    return MicrocourseImportPublic.model_validate(vars(report))


@router.get(
    "/microcourse/learners",
    response_model=LearnersPublic,
    summary="Learners of the micro-course (numbers masked)",
)
async def list_microcourse_learners(
    db: ReadDbDep,
    caller: LearnerReader,
    node: Node | None = None,
    completed: bool | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_PAGE_SIZE,
) -> LearnersPublic:
    rows, next_cursor = await microcourse.learners_page(
        db, node=node, completed=completed, cursor=cursor, limit=limit
    )
    return LearnersPublic(data=[LearnerPublic.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.get(
    "/microcourse/reach",
    response_model=MicrocourseReachPublic,
    summary="Micro-course reach and completion by node and gender, for a period",
)
async def read_microcourse_reach(
    db: ReadDbDep,
    clock: ClockDep,
    caller: IndicatorReader,
    since: date | None = Query(
        None, description="first enrolment date counted (Lima); default: since the start"
    ),
    as_of: date | None = Query(None, description="last date counted (Lima); default: today"),
) -> MicrocourseReachPublic:
    until = as_of or clock.today()
    if since is not None and since > until:
        raise BadRequest(
            "'since' is after 'as_of'.",
            detail_es="'since' es posterior a 'as_of'.",
            extra={"errors": [{"field": "since", "in": "query", "message": "after as_of"}]},
        )
    return MicrocourseReachPublic.model_validate(await microcourse.reach(db, since=since, as_of=until))
