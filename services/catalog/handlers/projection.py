"""Use cases that fold other services' events into the read model.

Each one merges its event into the base tables (see ``db.projection``) and then
recomputes the derived rows that depend on them (a certificate's status, the company's
catalogue entry) from the base tables alone, so the result depends on *which* events
were applied, never on their order. Called by the Kafka consumer and by the rebuild.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from services.catalog.db import projection as repo
from services.catalog.domain.certificates import CertificateFacts
from shared.events.contracts import audit, enrollment, training
from shared.uow import UnitOfWork


async def record_company_snapshot(
    uow: UnitOfWork,
    event: enrollment.CompanySnapshot,
    *,
    occurred_at: datetime,
    event_id: uuid.UUID,
    registered: bool,
) -> None:
    async with uow:
        await repo.upsert_company_snapshot(
            uow.session,
            ruc=event.ruc,
            snapshot=event.model_dump(include=set(repo.SNAPSHOT_FIELDS)),
            occurred_at=occurred_at,
            event_id=event_id,
            registered=registered,
        )
        await refresh_organisation(uow, event.ruc)
        await uow.commit()


async def record_certificate_issued(uow: UnitOfWork, event: audit.CertificateIssued) -> None:
    async with uow:
        await repo.upsert_certificate_issue(
            uow.session,
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


async def record_certificate_fact(
    uow: UnitOfWork,
    *,
    certificate_id: uuid.UUID,
    certificate_number: str,
    ruc: str,
    fact: str,
    value: datetime | date,
) -> None:
    """A suspension, reinstatement, withdrawal or expiry; it may arrive before the issue it refers to."""
    async with uow:
        await repo.record_certificate_fact(
            uow.session,
            certificate_id=certificate_id,
            certificate_number=certificate_number,
            ruc=ruc,
            fact=fact,
            value=value,
        )
        await _settle_certificate(uow, certificate_id, ruc)
        await uow.commit()


async def _settle_certificate(uow: UnitOfWork, certificate_id: uuid.UUID, ruc: str) -> None:
    row = await repo.get_certificate(uow.session, certificate_id=certificate_id)
    facts = CertificateFacts(
        issued_on=row.issued_on,
        suspended_at=row.suspended_at,
        reinstated_at=row.reinstated_at,
        withdrawn_at=row.withdrawn_at,
        expired_on=row.expired_on,
    )
    status = facts.status()
    await repo.update_certificate_status(
        uow.session, certificate_id=certificate_id, status=status.value if status else None
    )
    await refresh_organisation(uow, ruc)


async def record_company_deleted(uow: UnitOfWork, event: enrollment.CompanyDeleted) -> None:
    """The company no longer counts as registered (unless registered again later)."""
    async with uow:
        await repo.record_company_deleted(uow.session, ruc=event.ruc, deleted_at=event.deleted_at)
        await uow.commit()


async def refresh_organisation(uow: UnitOfWork, ruc: str) -> None:
    """Recompute the company's public catalogue entry from its snapshot and current certificate.

    A company is in the catalogue once a certificate has been issued to it, and shows that
    certificate's status; the snapshot, when it has arrived, gives the public profile
    (until then the certificate's holder name stands in).
    """
    certificate = await repo.current_certificate(uow.session, ruc=ruc)
    if certificate is None:
        await repo.delete_organisation(uow.session, ruc=ruc)
        return
    company = await repo.get_company(uow.session, ruc=ruc)
    profile = {f: getattr(company, f) if company else None for f in repo.SNAPSHOT_FIELDS}
    await repo.upsert_organisation(
        uow.session,
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


async def record_mark_licence(uow: UnitOfWork, event: audit.MarkLicenceChange) -> None:
    """A mark licence change (granted, suspended, reinstated, withdrawn, expired)."""
    async with uow:
        await repo.record_mark_licence(
            uow.session,
            certificate_id=event.certificate_id,
            certificate_number=event.certificate_number,
            ruc=event.ruc,
            status=event.status,
            valid_until=event.valid_until,
            changed_at=event.changed_at,
        )
        await refresh_organisation(uow, event.ruc)
        await uow.commit()


async def record_admission(uow: UnitOfWork, event: enrollment.ParticipantAdmitted) -> None:
    async with uow:
        await repo.upsert_participant(
            uow.session,
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


async def record_training_completed(uow: UnitOfWork, event: training.ProgramCompleted) -> None:
    async with uow:
        await repo.upsert_participant(
            uow.session,
            participant_id=event.participant_id,
            ruc=event.ruc,
            fallback={"company_id": event.company_id, "cohort_id": event.cohort_id},
            latest={"completed_at": event.completed_at},
        )
        await uow.commit()


async def record_training_revoked(uow: UnitOfWork, event: training.ProgramCompletionRevoked) -> None:
    async with uow:
        await repo.upsert_participant(
            uow.session,
            participant_id=event.participant_id,
            ruc=event.ruc,
            fallback={"company_id": event.company_id, "cohort_id": event.cohort_id},
            latest={"completion_revoked_at": event.revoked_at},
        )
        await uow.commit()


async def record_preaudit_passed(uow: UnitOfWork, event: audit.PreauditPassed) -> None:
    async with uow:
        await repo.upsert_participant(
            uow.session,
            participant_id=event.participant_id,
            ruc=event.ruc,
            fallback={"company_id": event.company_id, "cohort_id": event.cohort_id},
            earliest={"preaudit_passed_at": event.passed_at},
        )
        await uow.commit()
