"""What the catalog service reacts to: topic -> handler, the whole graph on one screen.

The catalog publishes nothing others depend on; it only folds events into its read
model. The rebuild command (``services.catalog.rebuild``) replays these same topics
through these same handlers.
"""

from services.catalog.handlers import journey_stories, projection
from shared.events.consumer import Handler
from shared.events.contracts import audit, circular, enrollment, training
from shared.events.envelope import EventEnvelope
from shared.uow import UnitOfWork


async def on_company_registered(
    uow: UnitOfWork, event: enrollment.CompanyRegistered, envelope: EventEnvelope
) -> None:
    await projection.record_company_snapshot(
        uow, event, occurred_at=envelope.occurred_at, event_id=envelope.event_id, registered=True
    )


async def on_company_updated(
    uow: UnitOfWork, event: enrollment.CompanyUpdated, envelope: EventEnvelope
) -> None:
    await projection.record_company_snapshot(
        uow, event, occurred_at=envelope.occurred_at, event_id=envelope.event_id, registered=False
    )


async def on_participant_admitted(
    uow: UnitOfWork, event: enrollment.ParticipantAdmitted, envelope: EventEnvelope
) -> None:
    await projection.record_admission(uow, event)


async def on_program_completed(
    uow: UnitOfWork, event: training.ProgramCompleted, envelope: EventEnvelope
) -> None:
    await projection.record_training_completed(uow, event)


async def on_completion_revoked(
    uow: UnitOfWork, event: training.ProgramCompletionRevoked, envelope: EventEnvelope
) -> None:
    await projection.record_training_revoked(uow, event)


async def on_preaudit_passed(uow: UnitOfWork, event: audit.PreauditPassed, envelope: EventEnvelope) -> None:
    await projection.record_preaudit_passed(uow, event)


async def on_certificate_issued(
    uow: UnitOfWork, event: audit.CertificateIssued, envelope: EventEnvelope
) -> None:
    await projection.record_certificate_issued(uow, event)


async def on_certificate_suspended(
    uow: UnitOfWork, event: audit.CertificateSuspended, envelope: EventEnvelope
) -> None:
    await projection.record_certificate_fact(
        uow,
        certificate_id=event.certificate_id,
        certificate_number=event.certificate_number,
        ruc=event.ruc,
        fact="suspended_at",
        value=event.suspended_at,
    )


async def on_certificate_reinstated(
    uow: UnitOfWork, event: audit.CertificateReinstated, envelope: EventEnvelope
) -> None:
    await projection.record_certificate_fact(
        uow,
        certificate_id=event.certificate_id,
        certificate_number=event.certificate_number,
        ruc=event.ruc,
        fact="reinstated_at",
        value=event.reinstated_at,
    )


async def on_company_deleted(
    uow: UnitOfWork, event: enrollment.CompanyDeleted, envelope: EventEnvelope
) -> None:
    await projection.record_company_deleted(uow, event)


async def on_certificate_withdrawn(
    uow: UnitOfWork, event: audit.CertificateWithdrawn, envelope: EventEnvelope
) -> None:
    await projection.record_certificate_fact(
        uow,
        certificate_id=event.certificate_id,
        certificate_number=event.certificate_number,
        ruc=event.ruc,
        fact="withdrawn_at",
        value=event.withdrawn_at,
    )


async def on_certificate_expired(
    uow: UnitOfWork, event: audit.CertificateExpired, envelope: EventEnvelope
) -> None:
    await projection.record_certificate_fact(
        uow,
        certificate_id=event.certificate_id,
        certificate_number=event.certificate_number,
        ruc=event.ruc,
        fact="expired_on",
        value=event.expired_on,
    )


async def on_mark_licence(uow: UnitOfWork, event, envelope: EventEnvelope) -> None:
    await projection.record_mark_licence(uow, event)


MARK_LICENCE_EVENTS = (
    audit.MarkLicenceGranted,
    audit.MarkLicenceSuspended,
    audit.MarkLicenceReinstated,
    audit.MarkLicenceWithdrawn,
    audit.MarkLicenceExpired,
)

TOPIC_HANDLERS: dict[str, Handler] = {
    enrollment.CompanyRegistered.TOPIC: on_company_registered,
    enrollment.CompanyUpdated.TOPIC: on_company_updated,
    enrollment.CompanyDeleted.TOPIC: on_company_deleted,
    enrollment.ParticipantAdmitted.TOPIC: on_participant_admitted,
    training.ProgramCompleted.TOPIC: on_program_completed,
    training.ProgramCompletionRevoked.TOPIC: on_completion_revoked,
    audit.PreauditPassed.TOPIC: on_preaudit_passed,
    audit.CertificateIssued.TOPIC: on_certificate_issued,
    audit.CertificateSuspended.TOPIC: on_certificate_suspended,
    audit.CertificateReinstated.TOPIC: on_certificate_reinstated,
    audit.CertificateWithdrawn.TOPIC: on_certificate_withdrawn,
    audit.CertificateExpired.TOPIC: on_certificate_expired,
    **{contract.TOPIC: on_mark_licence for contract in MARK_LICENCE_EVENTS},
    circular.JourneyFinished.TOPIC: journey_stories.draft_from_journey,
}
