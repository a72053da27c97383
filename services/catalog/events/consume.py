"""What the catalog service reacts to: topic -> handler, the whole graph on one screen.

The catalog publishes nothing others depend on; it only folds events into its read
model. The rebuild command (``services.catalog.rebuild``) replays these same topics
through these same handlers.
"""

from services.catalog.handlers import journey_stories, projection
from shared.events.consumer import Handler
from shared.events.contracts import audit, circular, enrollment, training

CERTIFICATE_FACTS = (
    audit.CertificateSuspended,
    audit.CertificateReinstated,
    audit.CertificateWithdrawn,
    audit.CertificateExpired,
)
MARK_LICENCE_EVENTS = (
    audit.MarkLicenceGranted,
    audit.MarkLicenceSuspended,
    audit.MarkLicenceReinstated,
    audit.MarkLicenceWithdrawn,
    audit.MarkLicenceExpired,
)

TOPIC_HANDLERS: dict[str, Handler] = {
    enrollment.CompanyRegistered.TOPIC: projection.record_company_snapshot,
    enrollment.CompanyUpdated.TOPIC: projection.record_company_snapshot,
    enrollment.CompanyDeleted.TOPIC: projection.record_company_deleted,
    enrollment.ParticipantAdmitted.TOPIC: projection.record_admission,
    training.ProgramCompleted.TOPIC: projection.record_milestone,
    training.ProgramCompletionRevoked.TOPIC: projection.record_milestone,
    audit.PreauditPassed.TOPIC: projection.record_milestone,
    audit.CertificateIssued.TOPIC: projection.record_certificate_issued,
    **{contract.TOPIC: projection.record_certificate_fact for contract in CERTIFICATE_FACTS},
    **{contract.TOPIC: projection.record_mark_licence for contract in MARK_LICENCE_EVENTS},
    circular.JourneyFinished.TOPIC: journey_stories.draft_from_journey,
}
