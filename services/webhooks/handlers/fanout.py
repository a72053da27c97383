"""Platform events in, webhook deliveries (and status-feed entries) out, in the consumer's transaction.

The consumer claims the event in the inbox in the same transaction, so a redelivered Kafka
message adds nothing: each (event, subscription) gets exactly one delivery, whatever Kafka does.
"""

from __future__ import annotations

from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from services.webhooks.db.tables import companies, feed, messages, subscriptions
from services.webhooks.domain import catalogue
from services.webhooks.domain.catalogue import Message
from services.webhooks.handlers.chains import enqueue
from shared.events.envelope import EventEnvelope
from shared.uow import UnitOfWork


async def record_company(uow: UnitOfWork, ruc: str, region: str | None) -> None:
    stmt = pg_insert(companies).values(ruc=ruc, region=region, updated_at=uow.clock.now())
    await uow.session.execute(
        stmt.on_conflict_do_update(
            index_elements=[companies.c.ruc], set_={"region": region, "updated_at": stmt.excluded.updated_at}
        )
    )


async def _region_of(uow: UnitOfWork, ruc: str) -> str | None:
    return (await uow.session.execute(sa.select(companies.c.region).where(companies.c.ruc == ruc))).scalar()


async def matching_subscriptions(uow: UnitOfWork, message: Message, region: str | None) -> list:
    scope = catalogue.required_scope(message.type)
    if scope is None:
        return []
    s = subscriptions.c
    stmt = (
        sa.select(s.id)
        .where(
            s.active,
            sa.literal(message.type) == sa.any_(s.event_types),
            sa.literal(scope) == sa.any_(s.scopes),
            sa.or_(s.rucs.is_(None), sa.literal(message.ruc) == sa.any_(s.rucs)),
            sa.or_(s.regions.is_(None), sa.literal(region or "") == sa.any_(s.regions)),
        )
        .order_by(s.id)
    )
    return list((await uow.session.execute(stmt)).scalars())


async def store_message(uow: UnitOfWork, message: Message, event_id: Any, occurred_at: Any) -> None:
    """The message's body, fixed once; ``occurred_at`` (the event's) orders a RUC's chain."""
    body = orjson.dumps(message.body()).decode()
    await uow.session.execute(
        pg_insert(messages)
        .values(
            id=message.id,
            event_id=event_id,
            event_type=message.type,
            ruc=message.ruc,
            body=body,
            occurred_at=occurred_at,
            created_at=uow.clock.now(),
        )
        .on_conflict_do_nothing()
    )


async def fan_out(uow: UnitOfWork, topic: str, event: Any, envelope: EventEnvelope, base_url: str) -> int:
    """Deliveries for every subscription that wants what this event says; returns how many."""
    if topic in catalogue.CERTIFICATE_TOPICS:
        change = catalogue.certificate_change(topic, event, envelope, base_url)
        await uow.session.execute(
            pg_insert(feed)
            .values(
                event_id=envelope.event_id,
                certificate_id=change.certificate_id,
                certificate_number=change.certificate_number,
                ruc=change.ruc,
                status=change.status,
                event_type=change.event_type,
                changed_at=change.changed_at,
                details=change.details,
            )
            .on_conflict_do_nothing(index_elements=[feed.c.event_id])
        )
    created = 0
    region: str | None = None
    region_known = False
    for message in catalogue.messages_for(topic, event, envelope, base_url):
        if message.region is not None:
            region, region_known = message.region, True
        elif not region_known:
            region, region_known = await _region_of(uow, message.ruc), True
        targets = await matching_subscriptions(uow, message, region)
        if not targets:
            continue
        await store_message(uow, message, envelope.event_id, envelope.occurred_at)
        created += len(await enqueue(uow, message.id, message.ruc, targets, uow.clock.now()))
    return created
