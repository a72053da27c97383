"""Platform events in, webhook deliveries (and status-feed entries) out: the consumer's handlers.

Each has the consumer's signature ``(uow, event, envelope)`` and runs in the consumer's
transaction, which claims the event in the inbox: a redelivered Kafka message adds nothing, so
each (event, subscription) gets exactly one delivery, whatever Kafka does.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

import orjson

from services.webhooks.db.repositories import (
    CompanyRepository,
    FeedRepository,
    MessageRepository,
    SubscriptionRepository,
)
from services.webhooks.domain import catalogue
from services.webhooks.domain.catalogue import Message
from services.webhooks.handlers.chains import enqueue
from shared.events.contracts import enrollment
from shared.events.envelope import EventEnvelope
from shared.settings import get_settings
from shared.uow import UnitOfWork

# Newest event time read so far per (delivered topic, partition): the worker's ordering watermark.
SEEN: dict[tuple[str, int], datetime] = {}


@cache
def public_base_url() -> str:
    """Links in payloads are absolute; read from the settings once, at the first event."""
    return get_settings().public_base_url.rstrip("/")


async def record_company(uow: UnitOfWork, event: enrollment.CompanySnapshot, envelope: EventEnvelope) -> None:
    """Keep the company's region (for region filters)."""
    async with uow:
        await CompanyRepository(uow.session).upsert(
            ruc=event.ruc, region=event.region, updated_at=uow.clock.now()
        )
        await uow.commit()


async def forget_company(uow: UnitOfWork, event: enrollment.CompanyDeleted, envelope: EventEnvelope) -> None:
    async with uow:
        await CompanyRepository(uow.session).delete(ruc=event.ruc)
        await uow.commit()


async def deliver(uow: UnitOfWork, event: Any, envelope: EventEnvelope) -> None:
    """Deliveries for every subscription that wants what this event says (and its feed entry)."""
    topic = envelope.event_type
    async with uow:
        if isinstance(event, enrollment.ParticipantAdmitted) and event.region:
            await CompanyRepository(uow.session).upsert(
                ruc=event.ruc, region=event.region, updated_at=uow.clock.now()
            )
        await fan_out(uow, topic, event, envelope, public_base_url())
        await uow.commit()
    key = (topic, catalogue.partition_of(envelope.key))
    if key not in SEEN or envelope.occurred_at > SEEN[key]:
        SEEN[key] = envelope.occurred_at


async def matching_subscriptions(uow: UnitOfWork, messages: list[Message]) -> dict[str, list[Any]]:
    """Message type -> ids of the active subscriptions that want it, may receive it (scope) and
    whose RUC and region filters let it through; one query for all of an event's messages."""
    wanted = [(m.type, catalogue.required_scope(m.type), m.region) for m in messages]
    wanted = [w for w in wanted if w[1] is not None]
    if not wanted:
        return {}
    rows = await SubscriptionRepository(uow.session).all_matching(
        ruc=messages[0].ruc,
        types=[w[0] for w in wanted],
        scopes=[str(w[1]) for w in wanted],
        regions=[w[2] for w in wanted],
    )
    found: dict[str, list[Any]] = {}
    for row in rows:
        found.setdefault(row.type, []).append(row.id)
    return found


async def store_message(
    uow: UnitOfWork, message: Message, event_id: Any, occurred_at: Any, *, partition: int | None = None
) -> None:
    """The message's body, fixed once; ``occurred_at`` (the event's) orders a RUC's chain."""
    await MessageRepository(uow.session).create(
        values={
            "id": message.id,
            "event_id": event_id,
            "event_type": message.type,
            "ruc": message.ruc,
            "body": orjson.dumps(message.body()).decode(),
            "occurred_at": occurred_at,
            "partition": partition,
            "created_at": uow.clock.now(),
        }
    )


async def fan_out(uow: UnitOfWork, topic: str, event: Any, envelope: EventEnvelope, base_url: str) -> int:
    """Deliveries for every subscription that wants what this event says; returns how many."""
    if topic in catalogue.CERTIFICATE_TOPICS:
        change = catalogue.certificate_change(topic, event, envelope, base_url)
        await FeedRepository(uow.session).create(
            values={
                "event_id": envelope.event_id,
                "certificate_id": change.certificate_id,
                "certificate_number": change.certificate_number,
                "ruc": change.ruc,
                "status": change.status,
                "event_type": change.event_type,
                "changed_at": change.changed_at,
                "details": change.details,
            }
        )
    created = 0
    messages = catalogue.messages_for(topic, event, envelope, base_url)
    if not messages:
        return 0
    targets = await matching_subscriptions(uow, messages)
    for message in messages:
        if not targets.get(message.type):
            continue
        await store_message(
            uow,
            message,
            envelope.event_id,
            envelope.occurred_at,
            partition=catalogue.partition_of(message.ruc),
        )
        created += len(await enqueue(uow, message.id, message.ruc, targets[message.type], uow.clock.now()))
    return created
