"""Use cases that fold other services' events into the read model: the consumer's handlers.

Each one has the consumer's signature ``(uow, event, envelope)`` (``events/consume.py`` maps
topics straight to them; the rebuild replays the same map), merges its event into the base
tables (see ``db.repositories.read_model``) and then recomputes the derived rows that depend
on them (a certificate's status, the company's catalogue entry) from the base tables alone,
so the result depends on *which* events were applied, never on their order.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from services.catalog.db.repositories.catalogue import OrganisationRepository
from services.catalog.db.repositories.read_model import (
    SNAPSHOT_FIELDS,
    CertificateRepository,
    CompanyRepository,
    ParticipantRepository,
)
from services.catalog.domain.certificates import CertificateFacts
from shared.events.contracts import audit, enrollment, training
from shared.events.envelope import EventEnvelope
from shared.uow import UnitOfWork

ParticipantMilestone = training.ProgramCompleted | training.ProgramCompletionRevoked | audit.PreauditPassed
CertificateFact = (
    audit.CertificateSuspended
    | audit.CertificateReinstated
    | audit.CertificateWithdrawn
    | audit.CertificateExpired
)


async def record_company_snapshot(
    uow: UnitOfWork, event: enrollment.CompanySnapshot, envelope: EventEnvelope
) -> None:
    """A registration or an update: the newest snapshot wins; a registration is remembered."""
    async with uow:
        await CompanyRepository(uow.session).record_snapshot(
            ruc=event.ruc,
            snapshot=event.model_dump(include=set(SNAPSHOT_FIELDS)),
            occurred_at=envelope.occurred_at,
            event_id=envelope.event_id,
            registered=isinstance(event, enrollment.CompanyRegistered),
        )
        await refresh_organisation(uow, event.ruc)
        await uow.commit()


async def record_company_deleted(
    uow: UnitOfWork, event: enrollment.CompanyDeleted, envelope: EventEnvelope
) -> None:
    """The company no longer counts as registered (unless registered again later)."""
    async with uow:
        await CompanyRepository(uow.session).record_deleted(ruc=event.ruc, deleted_at=event.deleted_at)
        await uow.commit()


async def record_certificate_issued(
    uow: UnitOfWork, event: audit.CertificateIssued, envelope: EventEnvelope
) -> None:
    async with uow:
        await CertificateRepository(uow.session).record_issue(
            certificate_id=event.certificate_id,
            values={
                "certificate_number": event.certificate_number,
                "ruc": event.ruc,
                "participant_id": event.participant_id,
                "holder_name": event.holder_name,
                "body_name": event.body_name,
                "standard_version": event.standard_version,
                "issued_on": event.issued_on,
                "expires_on": event.expires_on,
            },
        )
        await _settle_certificate(uow, event.certificate_id, event.ruc)
        await uow.commit()


def _fact(event: CertificateFact) -> tuple[str, datetime | date]:
    """The lifecycle fact an event records, and when."""
    match event:
        case audit.CertificateSuspended():
            return "suspended_at", event.suspended_at
        case audit.CertificateReinstated():
            return "reinstated_at", event.reinstated_at
        case audit.CertificateWithdrawn():
            return "withdrawn_at", event.withdrawn_at
        case audit.CertificateExpired():
            return "expired_on", event.expired_on


async def record_certificate_fact(uow: UnitOfWork, event: CertificateFact, envelope: EventEnvelope) -> None:
    """A suspension, reinstatement, withdrawal or expiry; it may arrive before the issue it refers to."""
    fact, value = _fact(event)
    async with uow:
        await CertificateRepository(uow.session).record_fact(
            certificate_id=event.certificate_id,
            certificate_number=event.certificate_number,
            ruc=event.ruc,
            fact=fact,
            value=value,
        )
        await _settle_certificate(uow, event.certificate_id, event.ruc)
        await uow.commit()


async def record_mark_licence(
    uow: UnitOfWork, event: audit.MarkLicenceChange, envelope: EventEnvelope
) -> None:
    """A mark licence change (granted, suspended, reinstated, withdrawn, expired)."""
    async with uow:
        await CertificateRepository(uow.session).record_mark_licence(
            certificate_id=event.certificate_id,
            certificate_number=event.certificate_number,
            ruc=event.ruc,
            status=event.status,
            valid_until=event.valid_until,
            changed_at=event.changed_at,
        )
        await refresh_organisation(uow, event.ruc)
        await uow.commit()


async def _settle_certificate(uow: UnitOfWork, certificate_id: uuid.UUID, ruc: str) -> None:
    certificates = CertificateRepository(uow.session)
    row = await certificates.get(certificate_id=certificate_id)
    assert row is not None, "recorded in this transaction"
    facts = CertificateFacts(
        issued_on=row.issued_on,
        suspended_at=row.suspended_at,
        reinstated_at=row.reinstated_at,
        withdrawn_at=row.withdrawn_at,
        expired_on=row.expired_on,
    )
    status = facts.status()
    await certificates.update(
        certificate_id=certificate_id, values={"status": status.value if status else None}
    )
    await refresh_organisation(uow, ruc)


async def refresh_organisation(uow: UnitOfWork, ruc: str) -> None:
    """Recompute the company's public catalogue entry from its snapshot and current certificate.

    A company is in the catalogue once a certificate has been issued to it, and shows that
    certificate's status; the snapshot, when it has arrived, gives the public profile
    (until then the certificate's holder name stands in).
    """
    organisations = OrganisationRepository(uow.session)
    certificate = await CertificateRepository(uow.session).get_current(ruc=ruc)
    if certificate is None:
        await organisations.delete(ruc=ruc)
        return
    company = await CompanyRepository(uow.session).get(ruc=ruc)
    profile = {f: getattr(company, f) if company else None for f in SNAPSHOT_FIELDS}
    await organisations.upsert(
        values={
            "ruc": ruc,
            "name": profile["legal_name"] or certificate.holder_name or ruc,
            "legal_name": profile["legal_name"],
            "trade_name": profile["trade_name"],
            "region": profile["region"],
            "ciiu_code": profile["ciiu_code"],
            "size_class": profile["size_class"],
            "women_led": bool(profile["women_led"]),
            "website": profile["website"],
            "products": profile["products"] or [],
            "certificate_number": certificate.certificate_number,
            "certificate_status": certificate.status,
            "issued_on": certificate.issued_on,
            "expires_on": certificate.expires_on,
            "body_name": certificate.body_name,
            "mark_status": certificate.mark_status,
        },
    )


async def record_admission(
    uow: UnitOfWork, event: enrollment.ParticipantAdmitted, envelope: EventEnvelope
) -> None:
    async with uow:
        await ParticipantRepository(uow.session).record(
            participant_id=event.participant_id,
            ruc=event.ruc,
            authoritative={
                "company_id": event.company_id,
                "cohort_id": event.cohort_id,
                "cohort_name": event.cohort_name,
                "region": event.region,
                "women_led": event.women_led,
            },
            earliest={"admitted_at": event.admitted_at},
        )
        await uow.commit()


def _milestone(event: ParticipantMilestone) -> tuple[dict[str, datetime], dict[str, datetime]]:
    """The milestone an event records: (first time it counts, latest time it counts)."""
    match event:
        case training.ProgramCompleted():
            return {}, {"completed_at": event.completed_at}
        case training.ProgramCompletionRevoked():
            return {}, {"completion_revoked_at": event.revoked_at}
        case audit.PreauditPassed():
            return {"preaudit_passed_at": event.passed_at}, {}


async def record_milestone(uow: UnitOfWork, event: ParticipantMilestone, envelope: EventEnvelope) -> None:
    """Training completed (or its completion revoked), pre-audit passed: the admission may come later."""
    earliest, latest = _milestone(event)
    async with uow:
        await ParticipantRepository(uow.session).record(
            participant_id=event.participant_id,
            ruc=event.ruc,
            fallback={"company_id": event.company_id, "cohort_id": event.cohort_id},
            earliest=earliest,
            latest=latest,
        )
        await uow.commit()
