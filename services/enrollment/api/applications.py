"""Applications, from draft to completion; eligibility report; commitment letter; monitor."""

from __future__ import annotations

import uuid
from typing import Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse

from services.enrollment import documents
from services.enrollment.api.roles import (
    Applicant,
    ApplicationDecider,
    ApplicationReader,
    CommitmentLetterReader,
    EligibilityReportReader,
    LegalRepresentative,
)
from services.enrollment.api.schemas import (
    ApplicationCreate,
    ApplicationPublic,
    ApplicationsPublic,
    AssignmentPublic,
    AssignmentsPublic,
    EligibilityReportPublic,
    MonitorReassign,
    ReasonIn,
    RuleResultPublic,
    SignatureIn,
    TransitionPublic,
    TransitionsPublic,
)
from services.enrollment.domain.applications import ApplicationFilters, Status
from services.enrollment.handlers import applications as cases
from services.enrollment.handlers import monitors
from shared.deps import DEFAULT_PAGE_SIZE, ClockDep, CursorQuery, LimitQuery, ReadDbDep, SettingsDep, UowDep
from shared.idempotency import idempotent

router = APIRouter(tags=["applications"])

ApplicationSort = Literal["created_at", "-created_at", "legal_name", "-legal_name"]
MOVE = "409 invalid-transition, listing the allowed moves, when the application is in another state."


@router.post(
    "/applications",
    status_code=201,
    response_model=ApplicationPublic,
    summary="Start an application (draft) of a company to a cohort",
)
async def create_application(body: ApplicationCreate, request: Request, uow: UowDep, principal: Applicant):
    async def action() -> ApplicationPublic:
        row = await cases.create_application(uow, principal, ruc=body.ruc, cohort_id=body.cohort_id)
        return ApplicationPublic.from_row(row)

    return await idempotent(request, uow, action, subject=principal.subject)


@router.get(
    "/applications",
    response_model=ApplicationsPublic,
    summary="List applications/participants (a company sees its own, a monitor those it follows)",
)
async def list_applications(
    db: ReadDbDep,
    principal: ApplicationReader,
    cohort_id: uuid.UUID | None = None,
    status: list[Status] | None = Query(None, description="repeat for several"),
    region: str | None = None,
    women_led: bool | None = None,
    ruc: str | None = None,
    monitor_id: uuid.UUID | None = None,
    certification_eligible: bool | None = None,
    sort: ApplicationSort = "created_at",
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_PAGE_SIZE,
) -> ApplicationsPublic:
    filters = ApplicationFilters(
        cohort_id, tuple(status or ()), region, women_led, ruc, monitor_id, certification_eligible
    )
    rows, next_cursor = await cases.page(db, principal, filters, sort=sort, cursor=cursor, limit=limit)
    return ApplicationsPublic(data=[ApplicationPublic.from_row(r) for r in rows], next_cursor=next_cursor)


@router.get("/applications/{application_id}", response_model=ApplicationPublic, summary="Get an application")
async def get_application(
    application_id: uuid.UUID, db: ReadDbDep, principal: ApplicationReader
) -> ApplicationPublic:
    return ApplicationPublic.from_row(await cases.read(db, principal, application_id=application_id))


@router.get(
    "/applications/{application_id}/history",
    response_model=TransitionsPublic,
    summary="Every status change, who made it and why",
)
async def get_application_history(
    application_id: uuid.UUID, db: ReadDbDep, principal: ApplicationReader
) -> TransitionsPublic:
    rows = await cases.history(db, principal, application_id=application_id)
    return TransitionsPublic(data=[TransitionPublic.model_validate(dict(r._mapping)) for r in rows])


@router.get(
    "/applications/{application_id}/eligibility",
    response_model=EligibilityReportPublic,
    summary="Section V checked now, rule by rule, with the data each rule used (changes nothing)",
)
async def get_eligibility_report(
    application_id: uuid.UUID, db: ReadDbDep, clock: ClockDep, principal: EligibilityReportReader
) -> EligibilityReportPublic:
    view, report = await cases.eligibility_report(
        db, principal, application_id=application_id, today=clock.today()
    )
    return EligibilityReportPublic(
        application_id=view.id,
        ruc=view.ruc,
        status=view.status,
        evaluated_on=report.evaluated_on,
        eligible=report.eligible,
        failed_rules=report.failed_rules,
        rules=[RuleResultPublic(**r.as_dict()) for r in report.results],
    )


@router.post(
    "/applications/{application_id}/sworn-declaration",
    response_model=ApplicationPublic,
    summary="The legal representative accepts the sworn declaration (who and when are recorded)",
)
async def accept_sworn_declaration(
    application_id: uuid.UUID, body: SignatureIn, uow: UowDep, principal: LegalRepresentative
) -> ApplicationPublic:
    row = await cases.accept_sworn_declaration(uow, principal, application_id, name=body.name, dni=body.dni)
    return ApplicationPublic.from_row(row)


@router.post(
    "/applications/{application_id}/submit",
    response_model=ApplicationPublic,
    summary="Submit a draft (within the cohort's application window)",
    description=MOVE,
)
async def submit_application(
    application_id: uuid.UUID, uow: UowDep, principal: Applicant
) -> ApplicationPublic:
    return ApplicationPublic.from_row(await cases.submit_application(uow, principal, application_id))


@router.post(
    "/applications/{application_id}/evaluate",
    response_model=ApplicationPublic,
    summary="Evaluate section V now: eligible or ineligible, report stored",
    description=MOVE,
)
async def evaluate_application(
    application_id: uuid.UUID, uow: UowDep, principal: ApplicationDecider
) -> ApplicationPublic:
    return ApplicationPublic.from_row(await cases.evaluate_application(uow, principal, application_id))


@router.post(
    "/applications/{application_id}/admit",
    response_model=ApplicationPublic,
    summary="Admit (still eligible today, seat free); assigns the least loaded active monitor",
    description=MOVE,
)
async def admit_application(
    application_id: uuid.UUID, uow: UowDep, principal: ApplicationDecider, body: ReasonIn | None = None
) -> ApplicationPublic:
    reason = body.reason if body else None
    return ApplicationPublic.from_row(
        await cases.admit_application(uow, principal, application_id, reason=reason)
    )


@router.post(
    "/applications/{application_id}/waitlist",
    response_model=ApplicationPublic,
    summary="Put an eligible application on the waiting list",
    description=MOVE,
)
async def waitlist_application(
    application_id: uuid.UUID, uow: UowDep, principal: ApplicationDecider, body: ReasonIn | None = None
) -> ApplicationPublic:
    row = await cases.decide_application(
        uow, principal, application_id, Status.waitlisted, reason=body.reason if body else None
    )
    return ApplicationPublic.from_row(row)


@router.post(
    "/applications/{application_id}/reject",
    response_model=ApplicationPublic,
    summary="Reject an application",
    description=MOVE,
)
async def reject_application(
    application_id: uuid.UUID, uow: UowDep, principal: ApplicationDecider, body: ReasonIn | None = None
) -> ApplicationPublic:
    row = await cases.decide_application(
        uow, principal, application_id, Status.rejected, reason=body.reason if body else None
    )
    return ApplicationPublic.from_row(row)


@router.post(
    "/applications/{application_id}/commitment-letter",
    response_model=ApplicationPublic,
    summary="Issue the commitment letter to an admitted participant",
    description=MOVE,
)
async def issue_commitment_letter(
    application_id: uuid.UUID, uow: UowDep, principal: ApplicationDecider
) -> ApplicationPublic:
    return ApplicationPublic.from_row(await cases.issue_commitment_letter(uow, principal, application_id))


@router.get(
    "/applications/{application_id}/commitment-letter",
    response_class=HTMLResponse,
    summary="The commitment letter as a printable HTML page",
    responses={200: {"content": {"text/html": {}}, "description": "printable letter"}},
)
async def get_commitment_letter(
    application_id: uuid.UUID, db: ReadDbDep, principal: CommitmentLetterReader
) -> HTMLResponse:
    letter = await cases.commitment_letter(db, principal, application_id=application_id)
    return HTMLResponse(documents.commitment_letter_html(letter))


@router.get(
    "/applications/{application_id}/commitment-letter/document",
    response_class=Response,
    summary="The commitment letter as an A4 PDF with a QR code carrying a signed payload",
    responses={200: {"content": {"application/pdf": {}}, "description": "the PDF"}},
)
async def get_commitment_letter_document(
    application_id: uuid.UUID,
    db: ReadDbDep,
    clock: ClockDep,
    principal: CommitmentLetterReader,
    settings: SettingsDep,
) -> Response:
    letter = await cases.commitment_letter(db, principal, application_id=application_id)
    pdf = await documents.commitment_letter_pdf(letter, now=clock.now(), env=settings.env)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="carta-compromiso-{application_id}.pdf"'},
    )


@router.post(
    "/applications/{application_id}/commitment/sign",
    response_model=ApplicationPublic,
    summary="Sign the commitment letter (the signer's DNI must be the legal representative's)",
    description=MOVE,
)
async def sign_commitment(
    application_id: uuid.UUID, body: SignatureIn, uow: UowDep, principal: LegalRepresentative
) -> ApplicationPublic:
    row = await cases.sign_commitment(uow, principal, application_id, name=body.name, dni=body.dni)
    return ApplicationPublic.from_row(row)


@router.post(
    "/applications/{application_id}/activate",
    response_model=ApplicationPublic,
    summary="Start the participant's programme (after the signed commitment)",
    description=MOVE,
)
async def activate_participant(
    application_id: uuid.UUID, uow: UowDep, principal: ApplicationDecider
) -> ApplicationPublic:
    return ApplicationPublic.from_row(await cases.activate_participant(uow, principal, application_id))


@router.post(
    "/applications/{application_id}/withdraw",
    response_model=ApplicationPublic,
    summary="Withdraw (the company or an officer); a participant's withdrawal is published",
    description=MOVE,
)
async def withdraw_application(
    application_id: uuid.UUID, uow: UowDep, principal: Applicant, body: ReasonIn | None = None
) -> ApplicationPublic:
    row = await cases.withdraw_application(
        uow, principal, application_id, reason=body.reason if body else None
    )
    return ApplicationPublic.from_row(row)


@router.post(
    "/applications/{application_id}/complete",
    response_model=ApplicationPublic,
    summary="Mark an active participant's programme as completed",
    description=MOVE,
)
async def complete_participation(
    application_id: uuid.UUID, uow: UowDep, principal: ApplicationDecider
) -> ApplicationPublic:
    return ApplicationPublic.from_row(await cases.complete_participation(uow, principal, application_id))


@router.put(
    "/applications/{application_id}/monitor",
    response_model=AssignmentsPublic,
    summary="Reassign the participant to another monitor (history kept)",
)
async def reassign_monitor(
    application_id: uuid.UUID, body: MonitorReassign, uow: UowDep, principal: ApplicationDecider
) -> AssignmentsPublic:
    rows = await monitors.reassign_monitor(
        uow, principal, application_id, monitor_id=body.monitor_id, reason=body.reason
    )
    return AssignmentsPublic(data=[AssignmentPublic.from_row(r) for r in rows])


@router.get(
    "/applications/{application_id}/monitor-assignments",
    response_model=AssignmentsPublic,
    summary="Which monitors followed the participant, from when to when",
)
async def list_monitor_assignments(
    application_id: uuid.UUID, db: ReadDbDep, principal: ApplicationReader
) -> AssignmentsPublic:
    rows = await cases.monitor_history(db, principal, application_id=application_id)
    return AssignmentsPublic(data=[AssignmentPublic.from_row(r) for r in rows])
