"""Routes: certificates, their suspension / reinstatement / withdrawal, and the expiry pass."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from services.audit.api import roles
from services.audit.api.schemas import (
    CertificateDetailPublic,
    CertificatesPublic,
    ExpiryPassPublic,
    ReasonCreate,
    ReinstateCreate,
)
from services.audit.domain.lifecycles import CertificateStatus
from services.audit.handlers import certificates
from shared.auth import Principal
from shared.deps import CursorQuery, LimitQuery, UowDep

router = APIRouter(prefix="/certificates", tags=["certificates"])
Reader = Annotated[Principal, Depends(roles.CERTIFICATE_READ)]
Officer = Annotated[Principal, Depends(roles.OFFICER)]


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
    summary="Run the daily expiry pass now (as of a Lima date: lets a demo jump ahead)",
    response_model=ExpiryPassPublic,
    dependencies=[Depends(roles.OFFICER)],
)
async def run_certificate_expiry_pass(
    uow: UowDep, as_of: Annotated[date | None, Query(description="default: today in Lima")] = None
):
    as_of, expired = await certificates.expire_certificates(uow, as_of)
    return ExpiryPassPublic(as_of=as_of, expired=[c.number for c in expired])


@router.get(
    "/{number}",
    summary="A certificate by its number, with its status history (staff; the public check is the catalogue's)",
    response_model=CertificateDetailPublic,
)
async def get_certificate(number: str, uow: UowDep, principal: Reader):
    return CertificateDetailPublic.of(await certificates.get_certificate(uow, principal, number))


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
