"""Routes: certificates, their suspension / reinstatement / withdrawal, and the expiry pass."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from fastapi.concurrency import run_in_threadpool

from services.audit.api import roles
from services.audit.api.schemas import (
    CertificateDetailPublic,
    CertificatesPublic,
    CorrectionCreate,
    ExpiryPassPublic,
    MarkLicenceChangeCreate,
    ReasonCreate,
    ReinstateCreate,
)
from services.audit.documents import certificate_pdf
from services.audit.domain.lifecycles import CertificateStatus, MarkLicenceStatus
from services.audit.handlers import certificates
from shared.auth import Principal
from shared.deps import ClockDep, CursorQuery, LimitQuery, SettingsDep, UowDep

router = APIRouter(prefix="/certificates", tags=["certificates"])
Reader = Annotated[Principal, Depends(roles.CERTIFICATE_READ)]
Officer = Annotated[Principal, Depends(roles.OFFICER)]
Admin = Annotated[Principal, Depends(roles.ADMIN)]


@router.get("", summary="List certificates", response_model=CertificatesPublic)
async def list_certificates(
    uow: UowDep,
    principal: Reader,
    ruc: str | None = None,
    body_id: uuid.UUID | None = None,
    status: CertificateStatus | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
):
    rows, next_cursor = await certificates.list_certificates(
        uow, principal, ruc=ruc, body_id=body_id, status=status, cursor=cursor, limit=limit
    )
    return CertificatesPublic(data=rows, next_cursor=next_cursor)


@router.post(
    "/expiry-pass",
    summary="Run the daily expiry pass now, for today's Lima date (another date only in dev/test)",
    response_model=ExpiryPassPublic,
)
async def run_certificate_expiry_pass(
    uow: UowDep,
    settings: SettingsDep,
    principal: Officer,
    as_of: Annotated[
        date | None, Query(description="today in Lima (default); another date only with ECO_ENV=dev|test")
    ] = None,
):
    as_of, expired = await certificates.expire_certificates(
        uow, as_of, env=settings.env, by=principal.subject
    )
    return ExpiryPassPublic(as_of=as_of, expired=[c.number for c in expired])


@router.get(
    "/{number}",
    summary="A certificate by its number, with its status history (staff; the public check is the catalogue's)",
    response_model=CertificateDetailPublic,
)
async def get_certificate(number: str, uow: UowDep, principal: Reader):
    return CertificateDetailPublic.of(await certificates.get_certificate(uow, principal, number))


@router.get(
    "/{number}/document",
    summary="The certificate as a printable A4 PDF (Spanish) with a QR code carrying a signed payload",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "the PDF"}},
)
async def get_certificate_document(
    number: str, uow: UowDep, clock: ClockDep, settings: SettingsDep, principal: Reader
) -> Response:
    document = await certificates.certificate_document(uow, principal, number)
    pdf = await run_in_threadpool(certificate_pdf, document, now=clock.now(), env=settings.env)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="certificado-{document.certificate.number}.pdf"'},
    )


@router.post(
    "/{number}/suspend",
    summary="Suspend a certificate, with the reason",
    response_model=CertificateDetailPublic,
)
async def suspend_certificate(number: str, body: ReasonCreate, uow: UowDep, principal: Officer):
    return CertificateDetailPublic.of(
        await certificates.suspend_certificate(uow, principal, number, reason=body.reason)
    )


@router.post("/{number}/reinstate", summary="Lift a suspension", response_model=CertificateDetailPublic)
async def reinstate_certificate(number: str, body: ReinstateCreate, uow: UowDep, principal: Officer):
    return CertificateDetailPublic.of(
        await certificates.reinstate_certificate(uow, principal, number, reason=body.reason)
    )


@router.post(
    "/{number}/withdraw",
    summary="Withdraw a certificate for good, with the reason",
    response_model=CertificateDetailPublic,
)
async def withdraw_certificate(number: str, body: ReasonCreate, uow: UowDep, principal: Officer):
    return CertificateDetailPublic.of(
        await certificates.withdraw_certificate(uow, principal, number, reason=body.reason)
    )


@router.post(
    "/{number}/corrections",
    summary="Correct a wrong transition (admin, with the reason; recorded in the history, never edited)",
    response_model=CertificateDetailPublic,
)
async def correct_certificate(number: str, body: CorrectionCreate, uow: UowDep, principal: Admin):
    return CertificateDetailPublic.of(
        await certificates.correct_certificate(
            uow, principal, number, to_status=body.to_status, reason=body.reason
        )
    )


async def _mark(number: str, target: MarkLicenceStatus, body: MarkLicenceChangeCreate, uow, principal):
    return CertificateDetailPublic.of(
        await certificates.change_mark_licence(uow, principal, number, to_status=target, reason=body.reason)
    )


@router.post(
    "/{number}/mark-licence/suspend",
    summary="Suspend the right to use the mark (the certificate stays as it is)",
    response_model=CertificateDetailPublic,
)
async def suspend_mark_licence(number: str, body: MarkLicenceChangeCreate, uow: UowDep, principal: Officer):
    return await _mark(number, MarkLicenceStatus.suspended, body, uow, principal)


@router.post(
    "/{number}/mark-licence/reinstate",
    summary="Restore the right to use the mark (only while the certificate is active)",
    response_model=CertificateDetailPublic,
)
async def reinstate_mark_licence(number: str, body: MarkLicenceChangeCreate, uow: UowDep, principal: Officer):
    return await _mark(number, MarkLicenceStatus.granted, body, uow, principal)


@router.post(
    "/{number}/mark-licence/withdraw",
    summary="Withdraw the right to use the mark for good",
    response_model=CertificateDetailPublic,
)
async def withdraw_mark_licence(number: str, body: MarkLicenceChangeCreate, uow: UowDep, principal: Officer):
    return await _mark(number, MarkLicenceStatus.withdrawn, body, uow, principal)
