"""Use cases on subscriptions: create, read, change, delete; the delivery log, redelivery, ping, stats.

Reads take a read connection (``ReadDb``); writes open the unit of work. A partner sees only
its own subscriptions (``domain.access``).
"""

from __future__ import annotations

import uuid
from typing import Any

from services.webhooks.db.repositories import DeliveryRepository, SubscriptionRepository
from services.webhooks.domain import catalogue, signing
from services.webhooks.domain.access import owner_scope, subscriber
from services.webhooks.domain.policy import TargetRefused, check_target
from services.webhooks.handlers.chains import enqueue
from services.webhooks.handlers.fanout import store_message
from shared.auth import Principal
from shared.clock import Clock
from shared.deps import ReadDb
from shared.errors import Forbidden, RuleViolation
from shared.repository import Executor
from shared.uow import UnitOfWork


def _target(url: str, env: str) -> str:
    try:
        return check_target(url, env=env)
    except TargetRefused as exc:
        raise RuleViolation("webhooks.target", str(exc)) from exc


def _check_scopes(event_types: list[str], scopes: list[str]) -> None:
    missing = sorted(
        {catalogue.REQUIRED_SCOPE[catalogue.EventType(t)] for t in event_types} - set(scopes),
    )
    if missing:
        raise Forbidden(
            f"This API key may not receive these events: it lacks the scope(s) {', '.join(missing)}.",
            detail_es=f"Esta API key no puede recibir estos eventos: le faltan los alcances {', '.join(missing)}.",
            extra={"required_scopes": missing},
        )


async def create(uow: UnitOfWork, principal: Principal, body: dict[str, Any], *, env: str) -> dict[str, Any]:
    """A new subscription, with its signing secret (in this answer only)."""
    who = subscriber(
        principal, owner=body.get("owner"), scopes=body.get("scopes"), organisation=body.get("organisation")
    )
    event_types = sorted({str(t) for t in body["event_types"]})
    _check_scopes(event_types, who.scopes)
    now = uow.clock.now()
    values = {
        "id": uuid.uuid4(),
        "owner": who.owner,
        "organisation": who.organisation,
        "description": body.get("description"),
        "url": _target(str(body["url"]), env),
        "event_types": event_types,
        "rucs": sorted(set(body["rucs"])) if body.get("rucs") else None,
        "regions": sorted(set(body["regions"])) if body.get("regions") else None,
        "scopes": sorted(set(who.scopes)),
        "secret": signing.new_secret(),
        "active": True,
        "created_by": principal.subject,
        "created_at": now,
        "updated_at": now,
    }
    async with uow:
        row = await SubscriptionRepository(uow.session).create(values=values)
        await uow.commit()
    return dict(row._mapping)


async def read(db: ReadDb, principal: Principal, subscription_id: uuid.UUID) -> dict[str, Any]:
    row = await SubscriptionRepository(db).get_or_raise(
        subscription_id=subscription_id, owner=owner_scope(principal)
    )
    return dict(row._mapping)


async def page(
    db: ReadDb, principal: Principal, *, owner: str | None, cursor: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    rows, next_cursor = await SubscriptionRepository(db).page(
        owner=owner_scope(principal), only_owner=owner, cursor=cursor, limit=limit
    )
    return [dict(r._mapping) for r in rows], next_cursor


async def update(
    uow: UnitOfWork, principal: Principal, subscription_id: uuid.UUID, changes: dict[str, Any], *, env: str
) -> dict[str, Any]:
    async with uow:
        subscriptions = SubscriptionRepository(uow.session)
        current = await subscriptions.get_or_raise(
            subscription_id=subscription_id, owner=owner_scope(principal)
        )
        now = uow.clock.now()
        values: dict[str, Any] = {"updated_at": now}
        if changes.get("url") is not None:
            values["url"] = _target(str(changes["url"]), env)
        if changes.get("event_types") is not None:
            values["event_types"] = sorted({str(t) for t in changes["event_types"]})
            _check_scopes(values["event_types"], current.scopes)
        for name in ("rucs", "regions"):
            if name in changes:
                values[name] = sorted(set(changes[name])) if changes[name] else None
        if "description" in changes:
            values["description"] = changes["description"]
        if changes.get("active") is True and not current.active:
            values |= {"active": True, "disabled_at": None, "disabled_reason": None, "failing_since": None}
        elif changes.get("active") is False and current.active:
            values |= {
                "active": False,
                "disabled_at": now,
                "disabled_reason": f"Disabled by {principal.subject} at {now.isoformat()}.",
            }
        if values.get("active") is True:
            # Retries that were waiting while it was disabled are due again now.
            await _lock_all_chains(uow, subscription_id)
            await DeliveryRepository(uow.session).make_due(subscription_id=subscription_id, now=now)
        await subscriptions.update(subscription_id=subscription_id, values=values)
        row = await subscriptions.get_or_raise(subscription_id=subscription_id)
        await uow.commit()
    return dict(row._mapping)


async def _lock_all_chains(uow: UnitOfWork, subscription_id: uuid.UUID) -> None:
    """The worker and the consumer take chain locks before touching open deliveries, then the
    subscription row; taking them first here keeps every writer in that order (no deadlock)."""
    deliveries = DeliveryRepository(uow.session)
    rucs = await deliveries.all_open_rucs(subscription_id=subscription_id)
    await deliveries.lock_chains(chains=[(subscription_id, ruc) for ruc in rucs])


async def delete(uow: UnitOfWork, principal: Principal, subscription_id: uuid.UUID) -> None:
    async with uow:
        subscriptions = SubscriptionRepository(uow.session)
        await subscriptions.get_or_raise(subscription_id=subscription_id, owner=owner_scope(principal))
        await _lock_all_chains(uow, subscription_id)
        await DeliveryRepository(uow.session).delete(subscription_id=subscription_id)
        await subscriptions.delete(subscription_id=subscription_id)
        await uow.commit()


async def _with_attempts(db: Executor, rows: list[dict[str, Any]], per_delivery: int = 20) -> None:
    found = await DeliveryRepository(db).all_attempts(
        delivery_ids=[r["id"] for r in rows], per_delivery=per_delivery
    )
    by_delivery: dict[int, list[dict[str, Any]]] = {}
    for row in found:
        item = dict(row._mapping)
        item.pop("n")
        by_delivery.setdefault(item.pop("delivery_id"), []).append(item)
    for r in rows:
        r["attempt_log"] = by_delivery.get(r["id"], [])


async def deliveries_page(
    db: ReadDb,
    principal: Principal,
    subscription_id: uuid.UUID,
    *,
    state: str | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[dict[str, Any]], str | None]:
    await SubscriptionRepository(db).get_or_raise(
        subscription_id=subscription_id, owner=owner_scope(principal)
    )
    rows, next_cursor = await DeliveryRepository(db).page(
        subscription_id=subscription_id, state=state, cursor=cursor, limit=limit
    )
    page = [dict(r._mapping) for r in rows]
    await _with_attempts(db, page)
    return page, next_cursor


async def read_delivery(
    db: Executor, principal: Principal, subscription_id: uuid.UUID, delivery_id: int
) -> dict[str, Any]:
    """One delivery of a subscription the caller may see, with every attempt."""
    await SubscriptionRepository(db).get_or_raise(
        subscription_id=subscription_id, owner=owner_scope(principal)
    )
    row = await DeliveryRepository(db).get_or_raise(subscription_id=subscription_id, delivery_id=delivery_id)
    result = dict(row._mapping)
    await _with_attempts(db, [result], per_delivery=1000)
    return result


async def redeliver(
    uow: UnitOfWork, principal: Principal, subscription_id: uuid.UUID, delivery_id: int
) -> dict[str, Any]:
    """Send a message again (same ``webhook-id``), at the end of its RUC's chain."""
    async with uow:
        original = await read_delivery(uow.session, principal, subscription_id, delivery_id)
        (new_id,) = await enqueue(
            uow, original["message_id"], original["ruc"], [subscription_id], uow.clock.now(), manual=True
        )
        result = await read_delivery(uow.session, principal, subscription_id, new_id)
        await uow.commit()
    return result


async def ping(uow: UnitOfWork, principal: Principal, subscription_id: uuid.UUID) -> dict[str, Any]:
    """Queue a ``webhook.ping`` message to this endpoint (whatever its event types)."""
    async with uow:
        await SubscriptionRepository(uow.session).get_or_raise(
            subscription_id=subscription_id, owner=owner_scope(principal)
        )
        message = catalogue.ping_message(subscription_id, uow.clock.now())
        await store_message(uow, message, None, message.occurred_at)
        (new_id,) = await enqueue(
            uow, message.id, message.ruc, [subscription_id], uow.clock.now(), manual=True
        )
        result = await read_delivery(uow.session, principal, subscription_id, new_id)
        await uow.commit()
    return result


async def stats(db: ReadDb, clock: Clock) -> dict[str, Any]:
    now = clock.now()
    d = await DeliveryRepository(db).counts()
    s = await SubscriptionRepository(db).counts()
    return {
        "pending": d.pending,
        "queued": d.queued,
        "retry_backlog": d.retry_backlog,
        "delivered": d.delivered,
        "failed": d.failed,
        "oldest_pending_age_seconds": max((now - d.oldest).total_seconds(), 0.0) if d.oldest else 0.0,
        "subscriptions_active": s.active,
        "subscriptions_disabled": s.disabled,
    }
