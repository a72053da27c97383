"""Subscriptions and their delivery logs (partners for themselves, admins for every partner)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from services.webhooks.api.openapi_text import SIGNING
from services.webhooks.api.roles import DeliveryStatsReader, SubscriptionManager
from services.webhooks.api.schemas import (
    DeliveriesPublic,
    DeliveryPublic,
    DeliveryState,
    SubscriptionCreate,
    SubscriptionCreated,
    SubscriptionPublic,
    SubscriptionsPublic,
    SubscriptionUpdate,
    WebhookStats,
)
from services.webhooks.handlers import subscriptions
from shared.deps import DEFAULT_PAGE_SIZE, ClockDep, CursorQuery, LimitQuery, ReadDbDep, SettingsDep, UowDep

router = APIRouter(tags=["webhooks"])


def _wake(request: Request) -> None:
    worker = getattr(request.app.state, "webhook_worker", None)
    if worker is not None:
        worker.wake()


@router.post(
    "/subscriptions",
    status_code=201,
    response_model=SubscriptionCreated,
    summary="Subscribe an endpoint to events (the secret is in this answer only)",
    description=(
        "A partner (API key with `webhooks:write`) subscribes for itself; an admin for a partner (`owner`, "
        "`scopes`). The key's scopes decide the event types allowed: `certificate.*` and `mark_licence.*` "
        "need `audit:read`, `participant.admitted` and `participant.certification_eligible` "
        "`enrollment:read`, `participant.training_completed` `training:read`. " + SIGNING
    ),
)
async def create_subscription(
    body: SubscriptionCreate,
    principal: SubscriptionManager,
    uow: UowDep,
    settings: SettingsDep,
    response: Response,
) -> SubscriptionCreated:
    row = await subscriptions.create(uow, principal, body.model_dump(), env=settings.env)
    response.headers["Cache-Control"] = "no-store"
    return SubscriptionCreated.model_validate(row)


@router.get(
    "/subscriptions", response_model=SubscriptionsPublic, summary="List subscriptions (a partner: its own)"
)
async def list_subscriptions(
    principal: SubscriptionManager,
    db: ReadDbDep,
    owner: Annotated[str | None, Query(max_length=100, description="admins: one partner's")] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_PAGE_SIZE,
) -> SubscriptionsPublic:
    data, next_cursor = await subscriptions.page(db, principal, owner=owner, cursor=cursor, limit=limit)
    return SubscriptionsPublic(
        data=[SubscriptionPublic.model_validate(r) for r in data], next_cursor=next_cursor
    )


@router.get(
    "/subscriptions/{subscription_id}",
    response_model=SubscriptionPublic,
    summary="One subscription, with its health (failing since, disabled and why)",
)
async def get_subscription(
    subscription_id: uuid.UUID, principal: SubscriptionManager, db: ReadDbDep
) -> SubscriptionPublic:
    return SubscriptionPublic.model_validate(await subscriptions.read(db, principal, subscription_id))


@router.patch(
    "/subscriptions/{subscription_id}",
    response_model=SubscriptionPublic,
    summary="Change a subscription; `active: true` re-enables a disabled endpoint",
)
async def update_subscription(
    subscription_id: uuid.UUID,
    body: SubscriptionUpdate,
    principal: SubscriptionManager,
    uow: UowDep,
    settings: SettingsDep,
    request: Request,
) -> SubscriptionPublic:
    row = await subscriptions.update(uow, principal, subscription_id, body.changes(), env=settings.env)
    _wake(request)
    return SubscriptionPublic.model_validate(row)


@router.delete(
    "/subscriptions/{subscription_id}", status_code=204, summary="Delete a subscription and its log"
)
async def delete_subscription(
    subscription_id: uuid.UUID, principal: SubscriptionManager, uow: UowDep
) -> Response:
    await subscriptions.delete(uow, principal, subscription_id)
    return Response(status_code=204)


@router.get(
    "/subscriptions/{subscription_id}/deliveries",
    response_model=DeliveriesPublic,
    summary="The delivery log: attempts, status codes, latencies, next retry (newest first)",
)
async def list_deliveries(
    subscription_id: uuid.UUID,
    principal: SubscriptionManager,
    db: ReadDbDep,
    state: DeliveryState | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_PAGE_SIZE,
) -> DeliveriesPublic:
    data, next_cursor = await subscriptions.deliveries_page(
        db, principal, subscription_id, state=state.value if state else None, cursor=cursor, limit=limit
    )
    return DeliveriesPublic(data=[DeliveryPublic.model_validate(r) for r in data], next_cursor=next_cursor)


@router.get(
    "/subscriptions/{subscription_id}/deliveries/{delivery_id}",
    response_model=DeliveryPublic,
    summary="One delivery with every attempt",
)
async def get_delivery(
    subscription_id: uuid.UUID, delivery_id: int, principal: SubscriptionManager, db: ReadDbDep
) -> DeliveryPublic:
    return DeliveryPublic.model_validate(
        await subscriptions.read_delivery(db, principal, subscription_id, delivery_id)
    )


@router.post(
    "/subscriptions/{subscription_id}/deliveries/{delivery_id}/redeliver",
    status_code=202,
    response_model=DeliveryPublic,
    summary="Send a message again (same webhook-id), after the RUC's open deliveries",
)
async def redeliver(
    subscription_id: uuid.UUID,
    delivery_id: int,
    principal: SubscriptionManager,
    uow: UowDep,
    request: Request,
) -> DeliveryPublic:
    row = await subscriptions.redeliver(uow, principal, subscription_id, delivery_id)
    _wake(request)
    return DeliveryPublic.model_validate(row)


@router.post(
    "/subscriptions/{subscription_id}/ping",
    status_code=202,
    response_model=DeliveryPublic,
    summary="Send a signed `webhook.ping` now, to test the endpoint and its signature check",
)
async def ping(
    subscription_id: uuid.UUID, principal: SubscriptionManager, uow: UowDep, request: Request
) -> DeliveryPublic:
    row = await subscriptions.ping(uow, principal, subscription_id)
    _wake(request)
    return DeliveryPublic.model_validate(row)


@router.get(
    "/stats", response_model=WebhookStats, summary="Delivery totals, retry backlog, oldest pending (admins)"
)
async def stats(principal: DeliveryStatsReader, db: ReadDbDep, clock: ClockDep) -> WebhookStats:
    return WebhookStats.model_validate(await subscriptions.stats(db, clock))
