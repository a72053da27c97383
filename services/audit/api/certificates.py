"""Routes: certificates, their suspension / reinstatement / withdrawal, and the expiry pass."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response

from services.audit.api.roles import CertificateCorrector, CertificateKeeper, CertificateReader
from services.audit.api.schemas import (
    CertificateDetailPublic,
    CertificatesPublic,
    CorrectionCreate,
    ExpiryPassPublic,
    MarkLicenceChangeCreate,
    ReasonCreate,
    ReinstateCreate,
    page,
)
from services.audit.domain.filters import CertificateFilter
from services.audit.domain.lifecycles import MarkLicenceStatus
from services.audit.handlers import certificates
from shared.auth import Principal
from shared.deps import ClockDep, CursorQuery, LimitQuery, ReadDbDep, SettingsDep, UowDep
from shared.uow import UnitOfWork

router = APIRouter(prefix="/certificates", tags=["certificates"])
Detail = CertificateDetailPublic
Licence = MarkLicenceChangeCreate


@router.get("", summary="List certificates", response_model=CertificatesPublic)
async def list_certificates(
    db: ReadDbDep,
    caller: CertificateReader,
    filters: Annotated[CertificateFilter, Query()],
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> CertificatesPublic:
    return page(
        CertificatesPublic, await certificates.page(db, caller, filters=filters, cursor=cursor, limit=limit)
    )


@router.post(
    "/expiry-pass",
    summary="Run the daily expiry pass now, for today's Lima date (another date only in dev/test)",
    response_model=ExpiryPassPublic,
)
async def run_certificate_expiry_pass(
    uow: UowDep,
    settings: SettingsDep,
    caller: CertificateKeeper,
    as_of: Annotated[
        date | None, Query(description="today in Lima (default); another date only with ECO_ENV=dev|test")
    ] = None,
) -> ExpiryPassPublic:
    as_of, expired = await certificates.expire_certificates(uow, as_of, env=settings.env, by=caller.subject)
    return ExpiryPassPublic(as_of=as_of, expired=[c.number for c in expired])


@router.get(
    "/{number}",
    summary="A certificate by its number, with its status history (staff; the public check is the catalogue's)",
    response_model=CertificateDetailPublic,
)
async def get_certificate(number: str, db: ReadDbDep, caller: CertificateReader) -> Detail:
    return Detail.of(await certificates.read(db, caller, number=number))


@router.get(
    "/{number}/document",
    summary="The certificate as a printable A4 PDF (Spanish) with a QR code carrying a signed payload",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "the PDF"}},
)
async def get_certificate_document(
    number: str, db: ReadDbDep, clock: ClockDep, settings: SettingsDep, caller: CertificateReader
) -> Response:
    number, pdf = await certificates.read_document(db, caller, clock, number=number, env=settings.env)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="certificado-{number}.pdf"'},
    )


@router.post("/{number}/suspend", summary="Suspend a certificate, with the reason", response_model=Detail)
async def suspend_certificate(
    number: str, body: ReasonCreate, uow: UowDep, caller: CertificateKeeper
) -> Detail:
    return Detail.of(await certificates.suspend(uow, caller, number, reason=body.reason))


@router.post("/{number}/reinstate", summary="Lift a suspension", response_model=Detail)
async def reinstate_certificate(
    number: str, body: ReinstateCreate, uow: UowDep, caller: CertificateKeeper
) -> Detail:
    return Detail.of(await certificates.reinstate(uow, caller, number, reason=body.reason))


@router.post(
    "/{number}/withdraw", summary="Withdraw a certificate for good, with the reason", response_model=Detail
)
async def withdraw_certificate(
    number: str, body: ReasonCreate, uow: UowDep, caller: CertificateKeeper
) -> Detail:
    return Detail.of(await certificates.withdraw(uow, caller, number, reason=body.reason))


@router.post(
    "/{number}/corrections",
    summary="Correct a wrong transition (admin, with the reason; recorded in the history, never edited)",
    response_model=Detail,
)
async def correct_certificate(
    number: str, body: CorrectionCreate, uow: UowDep, caller: CertificateCorrector
) -> Detail:
    return Detail.of(await certificates.correct(uow, caller, number, body))


@router.post(
    "/{number}/mark-licence/suspend",
    summary="Suspend the right to use the mark (the certificate stays as it is)",
    response_model=Detail,
)
async def suspend_mark_licence(number: str, body: Licence, uow: UowDep, caller: CertificateKeeper) -> Detail:
    return await _mark_licence(uow, caller, number, MarkLicenceStatus.suspended, body)


@router.post(
    "/{number}/mark-licence/reinstate",
    summary="Restore the right to use the mark (only while the certificate is active)",
    response_model=Detail,
)
async def reinstate_mark_licence(
    number: str, body: Licence, uow: UowDep, caller: CertificateKeeper
) -> Detail:
    return await _mark_licence(uow, caller, number, MarkLicenceStatus.granted, body)


@router.post(
    "/{number}/mark-licence/withdraw",
    summary="Withdraw the right to use the mark for good",
    response_model=Detail,
)
async def withdraw_mark_licence(number: str, body: Licence, uow: UowDep, caller: CertificateKeeper) -> Detail:
    return await _mark_licence(uow, caller, number, MarkLicenceStatus.withdrawn, body)


async def _mark_licence(
    uow: UnitOfWork, caller: Principal, number: str, target: MarkLicenceStatus, body: Licence
) -> Detail:
    view = await certificates.change_mark_licence(uow, caller, number, to_status=target, reason=body.reason)
    return Detail.of(view)
