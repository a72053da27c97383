"""Use cases on subscriptions: create, read, change, delete; the delivery log, redelivery, ping, stats."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from services.webhooks.db.tables import attempts, deliveries, messages, subscriptions
from services.webhooks.domain import catalogue, signing
from services.webhooks.domain.policy import TargetRefused, check_target
from services.webhooks.handlers.chains import enqueue, lock_chains
from services.webhooks.handlers.fanout import store_message
from shared.auth import Principal, Role
from shared.errors import Forbidden, NotFound, RuleViolation
from shared.pagination import keyset_page, page_of
from shared.uow import UnitOfWork

PUBLIC_COLUMNS = [c for c in subscriptions.c if c.name != "secret"]


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


def _owner_filter(principal: Principal) -> sa.ColumnElement[bool]:
    if principal.role == Role.admin:
        return sa.true()
    return subscriptions.c.owner == principal.subject


async def create(uow: UnitOfWork, principal: Principal, body: dict[str, Any], *, env: str) -> dict[str, Any]:
    now = uow.clock.now()
    if principal.role == Role.admin:
        if not body.get("owner") or body.get("scopes") is None:
            raise RuleViolation(
                "webhooks.owner",
                "An admin creates a subscription for a partner: give `owner` (its API key) and `scopes`.",
            )
        owner, scopes, organisation = body["owner"], body["scopes"], body.get("organisation")
    else:
        if body.get("owner") or body.get("scopes") is not None or body.get("organisation"):
            raise Forbidden("Only an admin may set `owner`, `scopes` or `organisation`.")
        owner, scopes, organisation = principal.subject, list(principal.scopes), principal.name
    event_types = sorted({str(t) for t in body["event_types"]})
    _check_scopes(event_types, scopes)
    row = {
        "id": uuid.uuid4(),
        "owner": owner,
        "organisation": organisation,
        "description": body.get("description"),
        "url": _target(str(body["url"]), env),
        "event_types": event_types,
        "rucs": sorted(set(body["rucs"])) if body.get("rucs") else None,
        "regions": sorted(set(body["regions"])) if body.get("regions") else None,
        "scopes": sorted(set(scopes)),
        "secret": signing.new_secret(),
        "active": True,
        "created_by": principal.subject,
        "created_at": now,
        "updated_at": now,
    }
    async with uow:
        await uow.session.execute(sa.insert(subscriptions).values(**row))
        await uow.commit()
    return row


async def get(uow: UnitOfWork, principal: Principal, subscription_id: uuid.UUID) -> dict[str, Any]:
    async with uow:
        row = (
            await uow.session.execute(
                sa.select(*PUBLIC_COLUMNS).where(
                    subscriptions.c.id == subscription_id, _owner_filter(principal)
                )
            )
        ).first()
    if row is None:
        raise NotFound("Subscription", subscription_id)
    return dict(row._mapping)


async def list_(
    uow: UnitOfWork, principal: Principal, *, owner: str | None, cursor: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    s = subscriptions.c
    stmt = sa.select(*PUBLIC_COLUMNS).where(_owner_filter(principal))
    if owner:
        stmt = stmt.where(s.owner == owner)
    stmt = keyset_page(stmt, [s.created_at, s.id], cursor=cursor, limit=limit)
    async with uow:
        rows = [dict(r._mapping) for r in await uow.session.execute(stmt)]
    return page_of(rows, limit, lambda r: (r["created_at"], r["id"]))


async def update(
    uow: UnitOfWork, principal: Principal, subscription_id: uuid.UUID, changes: dict[str, Any], *, env: str
) -> dict[str, Any]:
    current = await get(uow, principal, subscription_id)
    now = uow.clock.now()
    values: dict[str, Any] = {"updated_at": now}
    if changes.get("url") is not None:
        values["url"] = _target(str(changes["url"]), env)
    if changes.get("event_types") is not None:
        values["event_types"] = sorted({str(t) for t in changes["event_types"]})
        _check_scopes(values["event_types"], current["scopes"])
    for name in ("rucs", "regions"):
        if name in changes:
            values[name] = sorted(set(changes[name])) if changes[name] else None
    if "description" in changes:
        values["description"] = changes["description"]
    if changes.get("active") is True and not current["active"]:
        values |= {"active": True, "disabled_at": None, "disabled_reason": None, "failing_since": None}
    elif changes.get("active") is False and current["active"]:
        values |= {
            "active": False,
            "disabled_at": now,
            "disabled_reason": f"Disabled by {principal.subject} at {now.isoformat()}.",
        }
    async with uow:
        if values.get("active") is True:
            # Retries that were waiting while it was disabled are due again now.
            await _lock_all_chains(uow, subscription_id)
            await uow.session.execute(
                sa.update(deliveries)
                .where(deliveries.c.subscription_id == subscription_id, deliveries.c.state == "pending")
                .values(next_attempt_at=now, leased_until=None)
            )
        await uow.session.execute(
            sa.update(subscriptions).where(subscriptions.c.id == subscription_id).values(**values)
        )
        await uow.commit()
    return await get(uow, principal, subscription_id)


async def _lock_all_chains(uow: UnitOfWork, subscription_id: uuid.UUID) -> None:
    """The worker and the consumer take chain locks before touching open deliveries, then the
    subscription row; taking them first here keeps every writer in that order (no deadlock)."""
    rucs = await uow.session.execute(
        sa.select(deliveries.c.ruc)
        .where(deliveries.c.subscription_id == subscription_id, deliveries.c.state.in_(("queued", "pending")))
        .distinct()
    )
    await lock_chains(uow, [(subscription_id, ruc) for ruc in rucs.scalars()])


async def delete(uow: UnitOfWork, principal: Principal, subscription_id: uuid.UUID) -> None:
    await get(uow, principal, subscription_id)
    async with uow:
        await _lock_all_chains(uow, subscription_id)
        await uow.session.execute(
            sa.delete(deliveries).where(deliveries.c.subscription_id == subscription_id)
        )
        await uow.session.execute(sa.delete(subscriptions).where(subscriptions.c.id == subscription_id))
        await uow.commit()


def _delivery_columns() -> list[Any]:
    d = deliveries.c
    return [
        d.id,
        d.subscription_id,
        d.message_id,
        messages.c.event_type,
        d.ruc,
        d.state,
        d.attempts,
        d.last_status,
        d.last_error,
        d.next_attempt_at,
        d.manual,
        d.created_at,
        d.completed_at,
    ]


async def _with_attempts(uow: UnitOfWork, rows: list[dict[str, Any]], per_delivery: int = 20) -> None:
    if not rows:
        return
    a = attempts.c
    ranked = (
        sa.select(
            a.delivery_id,
            a.attempted_at,
            a.status_code,
            a.latency_ms,
            a.error,
            sa.func.row_number().over(partition_by=a.delivery_id, order_by=a.id.desc()).label("n"),
        )
        .where(a.delivery_id.in_([r["id"] for r in rows]))
        .subquery()
    )
    found = await uow.session.execute(
        sa.select(ranked).where(ranked.c.n <= per_delivery).order_by(ranked.c.delivery_id, ranked.c.n)
    )
    by_delivery: dict[int, list[dict[str, Any]]] = {}
    for row in found:
        item = dict(row._mapping)
        by_delivery.setdefault(item.pop("delivery_id"), []).append(item)
    for r in rows:
        r["attempt_log"] = by_delivery.get(r["id"], [])


async def list_deliveries(
    uow: UnitOfWork,
    principal: Principal,
    subscription_id: uuid.UUID,
    *,
    state: str | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[dict[str, Any]], str | None]:
    await get(uow, principal, subscription_id)
    d = deliveries.c
    stmt = (
        sa.select(*_delivery_columns())
        .join(messages, messages.c.id == d.message_id)
        .where(d.subscription_id == subscription_id)
    )
    if state:
        stmt = stmt.where(d.state == state)
    stmt = keyset_page(stmt, [d.id], cursor=cursor, limit=limit, descending=True)
    async with uow:
        rows = [dict(r._mapping) for r in await uow.session.execute(stmt)]
        page, next_cursor = page_of(rows, limit, lambda r: (r["id"],))
        await _with_attempts(uow, page)
    return page, next_cursor


async def get_delivery(
    uow: UnitOfWork, principal: Principal, subscription_id: uuid.UUID, delivery_id: int
) -> dict[str, Any]:
    await get(uow, principal, subscription_id)
    d = deliveries.c
    async with uow:
        row = (
            await uow.session.execute(
                sa.select(*_delivery_columns())
                .join(messages, messages.c.id == d.message_id)
                .where(d.subscription_id == subscription_id, d.id == delivery_id)
            )
        ).first()
        if row is None:
            raise NotFound("Delivery", delivery_id)
        result = dict(row._mapping)
        await _with_attempts(uow, [result], per_delivery=1000)
    return result


async def redeliver(
    uow: UnitOfWork, principal: Principal, subscription_id: uuid.UUID, delivery_id: int
) -> dict[str, Any]:
    """Send a message again (same ``webhook-id``), at the end of its RUC's chain."""
    original = await get_delivery(uow, principal, subscription_id, delivery_id)
    async with uow:
        (new_id,) = await enqueue(
            uow, original["message_id"], original["ruc"], [subscription_id], uow.clock.now(), manual=True
        )
        await uow.commit()
    return await get_delivery(uow, principal, subscription_id, new_id)


async def ping(uow: UnitOfWork, principal: Principal, subscription_id: uuid.UUID) -> dict[str, Any]:
    """Queue a ``webhook.ping`` message to this endpoint (whatever its event types)."""
    await get(uow, principal, subscription_id)
    message = catalogue.ping_message(subscription_id, uow.clock.now())
    async with uow:
        await store_message(uow, message, None, message.occurred_at)
        (new_id,) = await enqueue(
            uow, message.id, message.ruc, [subscription_id], uow.clock.now(), manual=True
        )
        await uow.commit()
    return await get_delivery(uow, principal, subscription_id, new_id)


async def stats(uow: UnitOfWork) -> dict[str, Any]:
    now = uow.clock.now()
    async with uow:
        d = (
            await uow.session.execute(
                sa.text(
                    """
                    SELECT count(*) FILTER (WHERE state = 'pending') AS pending,
                           count(*) FILTER (WHERE state = 'queued') AS queued,
                           count(*) FILTER (WHERE state = 'pending' AND attempts > 0) AS retry_backlog,
                           count(*) FILTER (WHERE state = 'delivered') AS delivered,
                           count(*) FILTER (WHERE state = 'failed') AS failed,
                           min(created_at) FILTER (WHERE state IN ('pending', 'queued')) AS oldest
                    FROM webhooks.deliveries
                    """
                )
            )
        ).one()
        s = (
            await uow.session.execute(
                sa.select(
                    sa.func.count().filter(subscriptions.c.active).label("active"),
                    sa.func.count().filter(sa.not_(subscriptions.c.active)).label("disabled"),
                )
            )
        ).one()
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
