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

from services.audit.db.repositories import BodyRepository, CertificateRepository, MarkLicenceRepository
from services.audit.domain import dates
from services.audit.domain.access import body_filter, company_filter, ensure_can_see_audit
from services.audit.domain.certificate_number import certificate_number, is_valid_number
from services.audit.domain.errors import InvalidInput
from services.audit.domain.lifecycles import CERTIFICATE, MARK_LICENCE, CertificateStatus, MarkLicenceStatus
from services.audit.domain.trust import ensure_correction, expiry_pass_date
from services.audit.events import publish
from shared.auth import Principal
from shared.certificate_number import normalise
from shared.errors import NotFound, RuleViolation
from shared.uow import UnitOfWork

X = CertificateStatus
M = MarkLicenceStatus
SYSTEM = "system:expiry-pass"


@dataclass(frozen=True)
class CertificateView:
    certificate: sa.Row
    history: list[sa.Row]
    licence: sa.Row | None = None
    licence_history: list[sa.Row] | None = None


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
    if supersedes is not None:
        await _end_licence(uow, supersedes, M.expired, f"renewed by {certificate.number}", actor.subject, now)
    licences = MarkLicenceRepository(uow.session)
    licence = await licences.create(
        id=uuid.uuid4(),
        certificate_id=certificate.id,
        certificate_number=certificate.number,
        ruc=certificate.ruc,
        granted_on=issued_on,
        valid_until=expires_on,
        status=M.granted,
        status_reason="granted with the certificate",
        status_changed_at=now,
        status_changed_by=actor.subject,
    )
    await licences.record_history(
        [_licence_change(licence.id, None, M.granted, "granted with the certificate", actor.subject, now)]
    )
    uow.publish(publish.mark_licence_changed(licence, now))
    return certificate


async def suspend_certificate(
    uow: UnitOfWork, actor: Principal, number: str, *, reason: str
) -> CertificateView:
    return await _change_status(uow, actor, number, X.suspended, reason)


async def reinstate_certificate(
    uow: UnitOfWork, actor: Principal, number: str, *, reason: str
) -> CertificateView:
    return await _change_status(uow, actor, number, X.active, reason)


async def withdraw_certificate(
    uow: UnitOfWork, actor: Principal, number: str, *, reason: str
) -> CertificateView:
    return await _change_status(uow, actor, number, X.withdrawn, reason)


async def _change_status(
    uow: UnitOfWork, actor: Principal, number: str, target: X, reason: str
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
        _publish_status(uow, updated, target, reason, now)
        if target == X.withdrawn:
            await _end_licence(
                uow, updated, M.withdrawn, f"certificate withdrawn: {reason}", actor.subject, now
            )
        view = await _view(uow, updated)
        await uow.commit()
    return view


async def correct_certificate(
    uow: UnitOfWork, actor: Principal, number: str, *, to_status: str, reason: str
) -> CertificateView:
    """An admin's reasoned correction of a wrong transition: a new history row, never an edit.

    The event of the state corrected to is published, so read models follow.
    """
    async with uow:
        repo = CertificateRepository(uow.session)
        certificate = await _by_number(repo, number, for_update=True)
        now = uow.clock.now()
        ensure_correction(certificate.status, to_status, certificate.expires_on, dates.lima_date(now))
        target = X(to_status)
        updated = await repo.update(
            certificate.id, status=target, status_reason=f"correction: {reason}", status_changed_at=now
        )
        await repo.record_history(
            [
                _change(
                    certificate.id, certificate.status, target, reason, actor.subject, now, kind="correction"
                )
            ]
        )
        _publish_status(uow, updated, target, f"correction: {reason}", now)
        licence_target = {X.active: M.granted, X.withdrawn: M.withdrawn, X.expired: M.expired}.get(target)
        licences = MarkLicenceRepository(uow.session)
        licence = await licences.get_by_certificate(certificate.id, for_update=True)
        # The licence follows the correction where the wrong transition had ended it; a licence
        # suspended on its own stays suspended when the certificate is corrected back to active.
        follows = licence is not None and licence_target not in (None, licence.status)
        if follows and (licence_target != M.granted or licence.status in (M.withdrawn, M.expired)):
            await _set_licence(uow, licence, licence_target, reason, actor.subject, now, kind="correction")
        view = await _view(uow, updated)
        await uow.commit()
    return view


def _publish_status(uow: UnitOfWork, certificate: sa.Row, target: X, reason: str, now) -> None:
    if target == X.suspended:
        uow.publish(publish.certificate_suspended(certificate, reason, now))
    elif target == X.withdrawn:
        uow.publish(publish.certificate_withdrawn(certificate, reason, now))
    elif target == X.expired:
        uow.publish(publish.certificate_expired(certificate))
    else:
        uow.publish(publish.certificate_reinstated(certificate, reason, now))


async def change_mark_licence(
    uow: UnitOfWork, actor: Principal, number: str, *, to_status: M, reason: str
) -> CertificateView:
    """Suspend, reinstate or withdraw the right to use the mark, on its own."""
    async with uow:
        repo = CertificateRepository(uow.session)
        certificate = await _by_number(repo, number)
        licence = await MarkLicenceRepository(uow.session).get_by_certificate(certificate.id, for_update=True)
        if licence is None:
            raise NotFound(
                "Mark licence", number, detail_es=f"El certificado {number} no tiene licencia de marca."
            )
        MARK_LICENCE.ensure(licence.status, to_status)
        if to_status == M.granted and certificate.status != X.active:
            raise RuleViolation(
                "mark_needs_active_certificate",
                f"The mark licence can be reinstated only while certificate {number} is active "
                f"(it is '{certificate.status}').",
                detail_es=f"La licencia de marca solo se restituye con el certificado {number} vigente "
                f"(está en '{certificate.status}').",
            )
        now = uow.clock.now()
        await _set_licence(uow, licence, to_status, reason, actor.subject, now)
        view = await _view(uow, certificate)
        await uow.commit()
    return view


async def _set_licence(
    uow: UnitOfWork, licence: sa.Row, target: M, reason: str, by: str, now, *, kind: str = "transition"
) -> sa.Row:
    licences = MarkLicenceRepository(uow.session)
    updated = await licences.update(
        licence.id, status=target, status_reason=reason, status_changed_at=now, status_changed_by=by
    )
    await licences.record_history(
        [_licence_change(licence.id, licence.status, target, reason, by, now, kind)]
    )
    uow.publish(publish.mark_licence_changed(updated, now, previous=licence.status))
    return updated


async def _end_licence(uow: UnitOfWork, certificate: sa.Row, target: M, reason: str, by: str, now) -> None:
    """The licence never outlives its certificate."""
    licence = await MarkLicenceRepository(uow.session).get_by_certificate(certificate.id, for_update=True)
    if licence is not None and MARK_LICENCE.can(licence.status, target):
        await _set_licence(uow, licence, target, reason, by, now)


async def _view(uow: UnitOfWork, certificate: sa.Row) -> CertificateView:
    licences = MarkLicenceRepository(uow.session)
    licence = await licences.get_by_certificate(certificate.id)
    return CertificateView(
        certificate,
        await CertificateRepository(uow.session).history(certificate.id),
        licence,
        await licences.history(licence.id) if licence is not None else [],
    )


async def expire_certificates(
    uow: UnitOfWork, as_of: date | None = None, *, env: str = "prod", by: str = SYSTEM
) -> tuple[date, list[sa.Row]]:
    """The daily pass: every active or suspended certificate whose expiry date has come.

    Runs for today's Lima date; another date only in dev/test (``expired`` is final, so a
    pass dated in the future would end certificates still valid). Publishes
    ``audit.certificate.expired`` once per certificate: the UPDATE only takes rows still
    expirable, so running the pass twice (or two at once) expires nothing twice.
    """
    as_of = expiry_pass_date(as_of, uow.clock.today(), env)
    async with uow:
        repo = CertificateRepository(uow.session)
        now = uow.clock.now()
        expired = await repo.expire_due(as_of, at=now)
        reason = f"validity ended (pass as of {as_of})"
        await repo.record_history(
            [_change(c.id, c.previous_status, X.expired, reason, by, now) for c in expired]
        )
        for certificate in expired:
            uow.publish(publish.certificate_expired(certificate))
            await _end_licence(uow, certificate, M.expired, "certificate expired", by, now)
        await uow.commit()
    return as_of, expired


@dataclass(frozen=True)
class CertificateDocument:
    certificate: sa.Row
    licence: sa.Row | None
    body_name: str


async def certificate_document(uow: UnitOfWork, actor: Principal, number: str) -> CertificateDocument:
    """What the printed certificate shows: the certificate, its body's name, its mark licence."""
    async with uow:
        repo = CertificateRepository(uow.session)
        certificate = await _by_number(repo, number)
        ensure_can_see_audit(actor, certificate)
        body = await BodyRepository(uow.session).get_or_raise(certificate.body_id)
        licence = await MarkLicenceRepository(uow.session).get_by_certificate(certificate.id)
        return CertificateDocument(certificate, licence, body.name)


async def get_certificate(uow: UnitOfWork, actor: Principal, number: str) -> CertificateView:
    async with uow:
        repo = CertificateRepository(uow.session)
        certificate = await _by_number(repo, number)
        ensure_can_see_audit(actor, certificate)
        return await _view(uow, certificate)


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
    number = normalise(number)
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
    certificate_id: uuid.UUID,
    from_status: str | None,
    to_status: str,
    reason: str | None,
    by: str,
    at,
    kind: str = "transition",
) -> dict:
    return {
        "certificate_id": certificate_id,
        "from_status": from_status,
        "to_status": to_status,
        "reason": reason,
        "changed_by": by,
        "changed_at": at,
        "kind": kind,
    }


def _licence_change(
    licence_id: uuid.UUID,
    from_status: str | None,
    to_status: str,
    reason: str,
    by: str,
    at,
    kind="transition",
) -> dict:
    return {
        "licence_id": licence_id,
        "from_status": from_status,
        "to_status": to_status,
        "reason": reason,
        "changed_by": by,
        "changed_at": at,
        "kind": kind,
    }
