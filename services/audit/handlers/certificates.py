"""Certificates (section IV): two years of validity and of the right to use the mark.

active -> suspended -> active | withdrawn; active | suspended -> expired (daily pass);
active -> superseded when a renewal issues the next certificate of a new cycle.
Every status change is kept in ``certificate_history`` with who and why; the mark licence
follows in ``mark_licence_history``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from fastapi.concurrency import run_in_threadpool

from services.audit.api.schemas import CorrectionCreate
from services.audit.db.repositories import BodyRepository, CertificateRepository, MarkLicenceRepository
from services.audit.documents import CertificateDocument, certificate_pdf
from services.audit.domain import dates
from services.audit.domain.access import ensure_can_see_audit, narrow
from services.audit.domain.certificate_number import certificate_number, is_valid_number
from services.audit.domain.filters import CertificateFilter
from services.audit.domain.lifecycles import CERTIFICATE, MARK_LICENCE, CertificateStatus, MarkLicenceStatus
from services.audit.domain.trust import ensure_correction, expiry_pass_date, licence_after_correction
from services.audit.events import publish
from shared.auth import Principal
from shared.certificate_number import normalise
from shared.clock import Clock
from shared.deps import ReadDb
from shared.errors import InvalidInput, NotFound, RuleViolation
from shared.repository import Executor
from shared.uow import UnitOfWork

X = CertificateStatus
M = MarkLicenceStatus
SYSTEM = "system:expiry-pass"


@dataclass(frozen=True)
class CertificateView:
    certificate: sa.Row[Any]
    history: list[sa.Row[Any]]
    licence: sa.Row[Any] | None = None
    licence_history: list[sa.Row[Any]] | None = None


@dataclass(frozen=True)
class Change:
    """One status change, as both history tables record it."""

    from_status: str | None
    to_status: str
    reason: str
    changed_by: str
    changed_at: datetime
    kind: str = "transition"

    def of_certificate(self, certificate_id: uuid.UUID) -> dict[str, Any]:
        """A ``certificate_history`` row."""
        return {"certificate_id": certificate_id, **vars(self)}

    def of_licence(self, licence_id: uuid.UUID) -> dict[str, Any]:
        """A ``mark_licence_history`` row."""
        return {"licence_id": licence_id, **vars(self)}


# -- reads ------------------------------------------------------------------------------------
async def page(
    db: ReadDb, caller: Principal, *, filters: CertificateFilter, cursor: str | None, limit: int
) -> tuple[list[sa.Row[Any]], str | None]:
    return await CertificateRepository(db).page(filters=narrow(caller, filters), cursor=cursor, limit=limit)


async def read(db: ReadDb, caller: Principal, *, number: str) -> CertificateView:
    certificate = await _by_number(CertificateRepository(db), number)
    ensure_can_see_audit(caller, certificate)
    return await _view(db, certificate)


async def read_document(
    db: ReadDb, caller: Principal, clock: Clock, *, number: str, env: str
) -> tuple[str, bytes]:
    """The printed certificate (number, PDF): the certificate, its body's name, its mark licence."""
    certificate = await _by_number(CertificateRepository(db), number)
    ensure_can_see_audit(caller, certificate)
    body = await BodyRepository(db).get_or_raise(body_id=certificate.body_id)
    licence = await MarkLicenceRepository(db).get_for_certificate(certificate_id=certificate.id)
    document = CertificateDocument(certificate, licence, body.name)
    return certificate.number, await run_in_threadpool(certificate_pdf, document, now=clock.now(), env=env)


# -- writes -----------------------------------------------------------------------------------
async def issue_certificate(
    uow: UnitOfWork, audit: sa.Row[Any], participant: sa.Row[Any], body: sa.Row[Any], caller: Principal
) -> sa.Row[Any]:
    """Inside the approving transaction: number, Lima issue date, expiry two years later."""
    repo = CertificateRepository(uow.session)
    now = uow.clock.now()
    issued_on = dates.lima_date(now)
    expires_on = dates.certificate_expiry(issued_on)
    supersedes = (
        await repo.get(certificate_id=audit.renews_certificate_id, for_update=True)
        if audit.renews_certificate_id
        else None
    )
    if supersedes is not None and not CERTIFICATE.can(supersedes.status, X.superseded):
        supersedes = None  # expired meanwhile: nothing to retire, the new cycle just starts
    certificate = await repo.create(
        values={
            "id": uuid.uuid4(),
            "number": certificate_number(issued_on.year, await repo.next_sequence()),
            "certification_audit_id": audit.id,
            "participant_id": audit.participant_id,
            "company_id": participant.company_id,
            "ruc": audit.ruc,
            "holder_name": participant.legal_name,
            "body_id": body.id,
            "standard_version": audit.standard_version,
            "issued_on": issued_on,
            "expires_on": expires_on,
            "mark_use_until": expires_on,
            "status": X.active,
            "status_changed_at": now,
            "supersedes_id": supersedes.id if supersedes is not None else None,
            "created_at": now,
        }
    )
    history = [
        Change(None, X.active, f"approved by {body.name}", caller.subject, now).of_certificate(certificate.id)
    ]
    renewed = f"renewed by {certificate.number}"
    if supersedes is not None:
        await repo.update(
            certificate_id=supersedes.id,
            values={"status": X.superseded, "status_reason": renewed, "status_changed_at": now},
        )
        history.append(
            Change(supersedes.status, X.superseded, renewed, caller.subject, now).of_certificate(
                supersedes.id
            )
        )
    await repo.record_history(changes=history)
    uow.publish(publish.certificate_issued(certificate, body, supersedes))
    if supersedes is not None:
        await _end_licence(uow, supersedes, M.expired, renewed, caller.subject, now)
    granted = "granted with the certificate"
    licences = MarkLicenceRepository(uow.session)
    licence = await licences.create(
        values={
            "id": uuid.uuid4(),
            "certificate_id": certificate.id,
            "certificate_number": certificate.number,
            "ruc": certificate.ruc,
            "granted_on": issued_on,
            "valid_until": expires_on,
            "status": M.granted,
            "status_reason": granted,
            "status_changed_at": now,
            "status_changed_by": caller.subject,
        }
    )
    await licences.record_history(
        changes=[Change(None, M.granted, granted, caller.subject, now).of_licence(licence.id)]
    )
    uow.publish(publish.mark_licence_changed(licence, now))
    return certificate


async def suspend(uow: UnitOfWork, caller: Principal, number: str, *, reason: str) -> CertificateView:
    return await _change_status(uow, caller, number, X.suspended, reason)


async def reinstate(uow: UnitOfWork, caller: Principal, number: str, *, reason: str) -> CertificateView:
    return await _change_status(uow, caller, number, X.active, reason)


async def withdraw(uow: UnitOfWork, caller: Principal, number: str, *, reason: str) -> CertificateView:
    return await _change_status(uow, caller, number, X.withdrawn, reason)


async def _change_status(
    uow: UnitOfWork, caller: Principal, number: str, target: X, reason: str
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
        change = Change(certificate.status, target, reason, caller.subject, now)
        updated = await _set_status(uow, certificate, change, reason)
        if target == X.withdrawn:
            await _end_licence(
                uow, updated, M.withdrawn, f"certificate withdrawn: {reason}", caller.subject, now
            )
        view = await _view(uow.session, updated)
        await uow.commit()
    return view


async def correct(uow: UnitOfWork, caller: Principal, number: str, body: CorrectionCreate) -> CertificateView:
    """An admin's reasoned correction of a wrong transition: a new history row, never an edit.

    The event of the state corrected to is published, so read models follow.
    """
    async with uow:
        certificate = await _by_number(CertificateRepository(uow.session), number, for_update=True)
        now = uow.clock.now()
        ensure_correction(certificate.status, body.to_status, certificate.expires_on, dates.lima_date(now))
        change = Change(certificate.status, X(body.to_status), body.reason, caller.subject, now, "correction")
        updated = await _set_status(uow, certificate, change, f"correction: {body.reason}")
        licence = await MarkLicenceRepository(uow.session).get_for_certificate(
            certificate_id=certificate.id, for_update=True
        )
        if licence is not None and (follow := licence_after_correction(body.to_status, licence.status)):
            await _set_licence(
                uow, licence, Change(licence.status, follow, body.reason, caller.subject, now, "correction")
            )
        view = await _view(uow.session, updated)
        await uow.commit()
    return view


async def change_mark_licence(
    uow: UnitOfWork, caller: Principal, number: str, *, to_status: M, reason: str
) -> CertificateView:
    """Suspend, reinstate or withdraw the right to use the mark, on its own."""
    async with uow:
        certificate = await _by_number(CertificateRepository(uow.session), number)
        licence = await MarkLicenceRepository(uow.session).get_for_certificate(
            certificate_id=certificate.id, for_update=True
        )
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
        await _set_licence(
            uow, licence, Change(licence.status, to_status, reason, caller.subject, uow.clock.now())
        )
        view = await _view(uow.session, certificate)
        await uow.commit()
    return view


async def expire_certificates(
    uow: UnitOfWork, as_of: date | None = None, *, env: str = "prod", by: str = SYSTEM
) -> tuple[date, list[sa.Row[Any]]]:
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
        expired = await repo.expire_due(as_of=as_of, at=now)
        reason = f"validity ended (pass as of {as_of})"
        await repo.record_history(
            changes=[
                Change(c.previous_status, X.expired, reason, by, now).of_certificate(c.id) for c in expired
            ]
        )
        for certificate in expired:
            uow.publish(publish.certificate_expired(certificate))
            await _end_licence(uow, certificate, M.expired, "certificate expired", by, now)
        await uow.commit()
    return as_of, expired


async def _set_status(uow: UnitOfWork, certificate: sa.Row[Any], change: Change, reason: str) -> sa.Row[Any]:
    """Move the certificate, record why, and publish the event of the state it moved to."""
    repo = CertificateRepository(uow.session)
    target, now = X(change.to_status), change.changed_at
    updated = await repo.update(
        certificate_id=certificate.id,
        values={"status": target, "status_reason": reason, "status_changed_at": now},
    )
    await repo.record_history(changes=[change.of_certificate(certificate.id)])
    if target == X.suspended:
        uow.publish(publish.certificate_suspended(updated, reason, now))
    elif target == X.withdrawn:
        uow.publish(publish.certificate_withdrawn(updated, reason, now))
    elif target == X.expired:
        uow.publish(publish.certificate_expired(updated))
    else:
        uow.publish(publish.certificate_reinstated(updated, reason, now))
    return updated


async def _set_licence(uow: UnitOfWork, licence: sa.Row[Any], change: Change) -> None:
    updated = await MarkLicenceRepository(uow.session).update(
        licence_id=licence.id,
        values={
            "status": change.to_status,
            "status_reason": change.reason,
            "status_changed_at": change.changed_at,
            "status_changed_by": change.changed_by,
        },
    )
    await MarkLicenceRepository(uow.session).record_history(changes=[change.of_licence(licence.id)])
    uow.publish(publish.mark_licence_changed(updated, change.changed_at, previous=licence.status))


async def _end_licence(
    uow: UnitOfWork, certificate: sa.Row[Any], target: M, reason: str, by: str, now: datetime
) -> None:
    """The licence never outlives its certificate."""
    licence = await MarkLicenceRepository(uow.session).get_for_certificate(
        certificate_id=certificate.id, for_update=True
    )
    if licence is not None and MARK_LICENCE.can(licence.status, target):
        await _set_licence(uow, licence, Change(licence.status, target, reason, by, now))


async def _view(db: Executor, certificate: sa.Row[Any]) -> CertificateView:
    licences = MarkLicenceRepository(db)
    licence = await licences.get_for_certificate(certificate_id=certificate.id)
    return CertificateView(
        certificate,
        await CertificateRepository(db).all_history(certificate_id=certificate.id),
        licence,
        await licences.all_history(licence_id=licence.id) if licence is not None else [],
    )


async def _by_number(repo: CertificateRepository, number: str, *, for_update: bool = False) -> sa.Row[Any]:
    number = normalise(number)
    if not is_valid_number(number):
        raise InvalidInput(
            f"'{number}' is not a certificate number: expected BPE-<year>-<sequence>-<check letter>.",
            [{"field": "number", "in": "path", "message": "malformed or wrong check letter"}],
            detail_es=f"'{number}' no es un número de certificado válido (BPE-<año>-<secuencia>-<letra>).",
        )
    certificate = await repo.get_by_number(number=number, for_update=for_update)
    if certificate is None:
        raise NotFound("Certificate", number, detail_es=f"El certificado {number} no existe.")
    return certificate
