"""Platform events in, webhook deliveries (and status-feed entries) out, in the consumer's transaction.

The consumer claims the event in the inbox in the same transaction, so a redelivered Kafka
message adds nothing: each (event, subscription) gets exactly one delivery, whatever Kafka does.
"""

from __future__ import annotations

from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from services.webhooks.db.tables import companies, feed, messages
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


async def forget_company(uow: UnitOfWork, ruc: str) -> None:
    await uow.session.execute(sa.delete(companies).where(companies.c.ruc == ruc))


async def matching_subscriptions(uow: UnitOfWork, messages: list[Message]) -> dict[str, list]:
    """Message type -> ids of the active subscriptions that want it, may receive it (scope) and
    whose RUC and region filters let it through; one query for all of an event's messages."""
    wanted = [(m.type, catalogue.required_scope(m.type), m.region) for m in messages]
    wanted = [w for w in wanted if w[1] is not None]
    if not wanted:
        return {}
    ruc = messages[0].ruc
    rows = await uow.session.execute(
        sa.text(
            """
            SELECT w.type, s.id
            FROM unnest(CAST(:types AS text[]), CAST(:scopes AS text[]), CAST(:regions AS text[]))
                 AS w(type, scope, region)
            JOIN webhooks.subscriptions s
              ON s.active AND w.type = ANY(s.event_types) AND w.scope = ANY(s.scopes)
             AND (s.rucs IS NULL OR CAST(:ruc AS text) = ANY(s.rucs))
             AND (s.regions IS NULL OR coalesce(
                    w.region, (SELECT c.region FROM webhooks.companies c WHERE c.ruc = CAST(:ruc AS text))
                 ) = ANY(s.regions))
            ORDER BY w.type, s.id
            """
        ),
        {
            "types": [w[0] for w in wanted],
            "scopes": [w[1] for w in wanted],
            "regions": [w[2] for w in wanted],
            "ruc": ruc,
        },
    )
    found: dict[str, list] = {}
    for row in rows:
        found.setdefault(row.type, []).append(row.id)
    return found


async def store_message(
    uow: UnitOfWork, message: Message, event_id: Any, occurred_at: Any, *, partition: int | None = None
) -> None:
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
            partition=partition,
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
