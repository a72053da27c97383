"""What the webhooks service reacts to: topic -> handler (its own consumer group, ``webhooks``).

Company events keep the RUC -> region map for region filters; the milestone and certificate
events become webhook deliveries (and certificate ones status-feed entries).
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from services.webhooks.domain.catalogue import PARTITIONS, partition_of
from services.webhooks.handlers.fanout import fan_out, forget_company, record_company
from shared.events.consumer import Handler
from shared.events.contracts import CONTRACTS, audit, enrollment, training
from shared.events.envelope import EventEnvelope
from shared.settings import get_settings
from shared.uow import UnitOfWork


@cache
def public_base_url() -> str:
    """Links in payloads are absolute; read from the settings once, at the first event."""
    return get_settings().public_base_url.rstrip("/")


async def on_company_snapshot(
    uow: UnitOfWork, event: enrollment.CompanySnapshot, envelope: EventEnvelope
) -> None:
    await record_company(uow, event.ruc, event.region)


# Newest event time read so far per (delivered topic, partition): the worker's ordering watermark.
SEEN: dict[tuple[str, int], datetime] = {}


async def on_company_deleted(
    uow: UnitOfWork, event: enrollment.CompanyDeleted, envelope: EventEnvelope
) -> None:
    await forget_company(uow, event.ruc)


def _fan_out(topic: str) -> Handler:
    async def handler(uow: UnitOfWork, event: Any, envelope: EventEnvelope) -> None:
        if isinstance(event, enrollment.ParticipantAdmitted) and event.region:
            await record_company(uow, event.ruc, event.region)
        await fan_out(uow, topic, event, envelope, public_base_url())
        key = (topic, partition_of(envelope.key))
        if key not in SEEN or envelope.occurred_at > SEEN[key]:
            SEEN[key] = envelope.occurred_at

    handler.__name__ = f"on_{topic.replace('.', '_')}"
    return handler


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
    enrollment.CompanyRegistered.TOPIC: on_company_snapshot,
    enrollment.CompanyUpdated.TOPIC: on_company_snapshot,
    enrollment.CompanyDeleted.TOPIC: on_company_deleted,
    **{topic: _fan_out(topic) for topic in DELIVERED_TOPICS},
}
