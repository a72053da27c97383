"""Certificates (section IV): two years of validity and of the right to use the mark.

active -> suspended -> active | withdrawn; active | suspended -> expired (daily pass);
active -> superseded when a renewal issues the next certificate of a new cycle.
Every status change is kept in ``certificate_history`` with who and why.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from services.audit.db.repositories import CertificateRepository
from services.audit.domain import dates
from services.audit.domain.access import body_filter, company_filter, ensure_can_see_audit
from services.audit.domain.certificate_number import certificate_number, is_valid_number
from services.audit.domain.errors import InvalidInput
from services.audit.domain.lifecycles import CERTIFICATE, CertificateStatus
from services.audit.events import publish
from shared.auth import Principal
from shared.errors import NotFound, RuleViolation
from shared.uow import UnitOfWork

X = CertificateStatus
SYSTEM = "system:expiry-pass"


@dataclass(frozen=True)
class CertificateView:
    certificate: sa.Row
    history: list[sa.Row]


async def issue_certificate(
    uow: UnitOfWork, audit: sa.Row, participant: sa.Row, body: sa.Row, actor: Principal
) -> sa.Row:
    """Inside the approving transaction: number, Lima issue date, expiry two years later."""
    repo = CertificateRepository(uow.session)
    now = uow.clock.now()
    issued_on = dates.lima_date(now)
    expires_on = dates.certificate_expiry(issued_on)
    supersedes = (
        await repo.get(audit.renews_certificate_id, for_update=True) if audit.renews_certificate_id else None
    )
    if supersedes is not None and not CERTIFICATE.can(supersedes.status, X.superseded):
        supersedes = None  # expired meanwhile: nothing to retire, the new cycle just starts
    certificate = await repo.create(
        id=uuid.uuid4(),
        number=certificate_number(issued_on.year, await repo.next_sequence()),
        certification_audit_id=audit.id,
        participant_id=audit.participant_id,
        company_id=participant.company_id,
        ruc=audit.ruc,
        holder_name=participant.legal_name,
        body_id=body.id,
        standard_version=audit.standard_version,
        issued_on=issued_on,
        expires_on=expires_on,
        mark_use_until=expires_on,
        status=X.active,
        status_changed_at=now,
        supersedes_id=supersedes.id if supersedes is not None else None,
        created_at=now,
    )
    history = [_change(certificate.id, None, X.active, f"approved by {body.name}", actor.subject, now)]
    if supersedes is not None:
        await repo.update(
            supersedes.id,
            status=X.superseded,
            status_reason=f"renewed by {certificate.number}",
            status_changed_at=now,
        )
        history.append(
            _change(
                supersedes.id,
                supersedes.status,
                X.superseded,
                f"renewed by {certificate.number}",
                actor.subject,
                now,
            )
        )
    await repo.record_history(history)
    uow.publish(publish.certificate_issued(certificate, body, supersedes))
    return certificate


async def suspend_certificate(
    uow: UnitOfWork, actor: Principal, number: str, *, reason: str
) -> CertificateView:
    return await _change_status(uow, actor, number, X.suspended, reason)


async def reinstate_certificate(
    uow: UnitOfWork, actor: Principal, number: str, *, reason: str | None
) -> CertificateView:
    return await _change_status(uow, actor, number, X.active, reason)


async def withdraw_certificate(
    uow: UnitOfWork, actor: Principal, number: str, *, reason: str
) -> CertificateView:
    return await _change_status(uow, actor, number, X.withdrawn, reason)


async def _change_status(
    uow: UnitOfWork, actor: Principal, number: str, target: X, reason: str | None
) -> CertificateView:
    async with uow:
        repo = CertificateRepository(uow.session)
        certificate = await _by_number(repo, number, for_update=True)
        CERTIFICATE.ensure(certificate.status, target)
        now = uow.clock.now()
        if target == X.active and dates.lima_date(now) >= certificate.expires_on:
            raise RuleViolation(
                "certificate_past_expiry",
                f"Certificate {number} reached its expiry date {certificate.expires_on}; it cannot be reinstated.",
                detail_es=f"El certificado {number} venció el {certificate.expires_on}; no puede reactivarse.",
            )
        updated = await repo.update(
            certificate.id, status=target, status_reason=reason, status_changed_at=now
        )
        await repo.record_history(
            [_change(certificate.id, certificate.status, target, reason, actor.subject, now)]
        )
        if target == X.suspended:
            uow.publish(publish.certificate_suspended(updated, reason, now))
        elif target == X.withdrawn:
            uow.publish(publish.certificate_withdrawn(updated, reason, now))
        else:
            uow.publish(publish.certificate_reinstated(updated, reason, now))
        view = CertificateView(updated, await repo.history(certificate.id))
        await uow.commit()
    return view


async def expire_certificates(uow: UnitOfWork, as_of: date | None = None) -> tuple[date, list[sa.Row]]:
    """The daily pass: every active or suspended certificate whose expiry date has come.

    Publishes ``audit.certificate.expired`` once per certificate: the UPDATE only takes
    rows still expirable, so running the pass twice (or two at once) expires nothing twice.
    """
    as_of = as_of or uow.clock.today()
    async with uow:
        repo = CertificateRepository(uow.session)
        now = uow.clock.now()
        expired = await repo.expire_due(as_of, at=now)
        await repo.record_history(
            [_change(c.id, c.previous_status, X.expired, "validity ended", SYSTEM, now) for c in expired]
        )
        for certificate in expired:
            uow.publish(publish.certificate_expired(certificate))
        await uow.commit()
    return as_of, expired


async def get_certificate(uow: UnitOfWork, actor: Principal, number: str) -> CertificateView:
    async with uow:
        repo = CertificateRepository(uow.session)
        certificate = await _by_number(repo, number)
        ensure_can_see_audit(actor, certificate)
        return CertificateView(certificate, await repo.history(certificate.id))


async def list_certificates(
    uow: UnitOfWork,
    actor: Principal,
    *,
    ruc: str | None,
    body_id: uuid.UUID | None,
    status: str | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[sa.Row], str | None]:
    async with uow:
        return await CertificateRepository(uow.session).list(
            ruc=company_filter(actor, ruc),
            body_id=body_filter(actor, body_id),
            status=status,
            cursor=cursor,
            limit=limit,
        )


async def _by_number(repo: CertificateRepository, number: str, *, for_update: bool = False) -> sa.Row:
    if not is_valid_number(number):
        raise InvalidInput(
            f"'{number}' is not a certificate number: expected BPE-<year>-<sequence>-<check letter>.",
            [{"field": "number", "in": "path", "message": "malformed or wrong check letter"}],
            detail_es=f"'{number}' no es un número de certificado válido (BPE-<año>-<secuencia>-<letra>).",
        )
    certificate = await repo.get_by_number(number, for_update=for_update)
    if certificate is None:
        raise NotFound("Certificate", number, detail_es=f"El certificado {number} no existe.")
    return certificate


def _change(
    certificate_id: uuid.UUID, from_status: str | None, to_status: str, reason: str | None, by: str, at
) -> dict:
    return {
        "certificate_id": certificate_id,
        "from_status": from_status,
        "to_status": to_status,
        "reason": reason,
        "changed_by": by,
        "changed_at": at,
    }
