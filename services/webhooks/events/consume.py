"""What the webhooks service reacts to: topic -> handler (its own consumer group, ``webhooks``).

Company events keep the RUC -> region map for region filters; the milestone and certificate
events become webhook deliveries (and certificate ones status-feed entries).
"""

from __future__ import annotations

from services.webhooks.domain.catalogue import PARTITIONS
from services.webhooks.handlers import fanout
from shared.events.consumer import Handler
from shared.events.contracts import CONTRACTS, audit, enrollment, training

DELIVERED_TOPICS = (
    audit.CertificateIssued.TOPIC,
    audit.CertificateSuspended.TOPIC,
    audit.CertificateReinstated.TOPIC,
    audit.CertificateWithdrawn.TOPIC,
    audit.CertificateExpired.TOPIC,
    enrollment.ParticipantAdmitted.TOPIC,
    enrollment.ParticipantCertificationEligible.TOPIC,
    training.ProgramCompleted.TOPIC,
)

assert all(CONTRACTS[t].PARTITIONS == PARTITIONS for t in DELIVERED_TOPICS), "see catalogue.PARTITIONS"

TOPIC_HANDLERS: dict[str, Handler] = {
    enrollment.CompanyRegistered.TOPIC: fanout.record_company,
    enrollment.CompanyUpdated.TOPIC: fanout.record_company,
    enrollment.CompanyDeleted.TOPIC: fanout.forget_company,
    **{topic: fanout.deliver for topic in DELIVERED_TOPICS},
}
