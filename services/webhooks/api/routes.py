"""Routes of the webhooks service: subscriptions and their delivery logs (partners, admins),
the public certificate status feed, and the documentation of what partners receive."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response
from fastapi.responses import JSONResponse

from services.webhooks.api.schemas import (
    CertificateWebhook,
    DeliveriesPublic,
    DeliveryPublic,
    DeliveryState,
    MarkLicenceWebhook,
    ParticipantWebhook,
    PingWebhook,
    StatusChangePublic,
    StatusFeedPublic,
    SubscriptionCreate,
    SubscriptionCreated,
    SubscriptionPublic,
    SubscriptionsPublic,
    SubscriptionUpdate,
    WebhookStats,
)
from services.webhooks.handlers import feed, subscriptions
from shared.auth import Principal, Role, require_roles
from shared.deps import DEFAULT_PAGE_SIZE, CursorQuery, LimitQuery, SettingsDep, UowDep

PUBLIC = {"x-public": True}
router = APIRouter(tags=["webhooks"])
public = APIRouter(tags=["status feed"])

Partner = Annotated[Principal, Depends(require_roles(Role.partner))]
Admin = Annotated[Principal, Depends(require_roles(Role.admin))]

SIGNING = (
    "Every delivery is a `POST` of JSON `{type, timestamp, data}` signed per "
    "[Standard Webhooks](https://www.standardwebhooks.com): headers `webhook-id` (the same on every retry "
    "of a message: deduplicate on it), `webhook-timestamp` (unix seconds) and `webhook-signature` "
    "(`v1,<base64 HMAC-SHA256 of '{id}.{timestamp}.{body}'>` with the subscription's `whsec_` secret). "
    "Answer 2xx within 10 s; anything else is retried with exponential backoff and jitter for 24 h, "
    "then the delivery is marked failed. Deliveries for one RUC arrive in order (the next waits until the "
    "previous one is delivered or failed for good)."
)


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
    body: SubscriptionCreate, principal: Partner, uow: UowDep, settings: SettingsDep, response: Response
) -> SubscriptionCreated:
    row = await subscriptions.create(uow, principal, body.model_dump(), env=settings.env)
    response.headers["Cache-Control"] = "no-store"
    return SubscriptionCreated.model_validate(row)


@router.get(
    "/subscriptions", response_model=SubscriptionsPublic, summary="List subscriptions (a partner: its own)"
)
async def list_subscriptions(
    principal: Partner,
    uow: UowDep,
    owner: Annotated[str | None, Query(max_length=100, description="admins: one partner's")] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_PAGE_SIZE,
) -> SubscriptionsPublic:
    data, next_cursor = await subscriptions.list_(uow, principal, owner=owner, cursor=cursor, limit=limit)
    return SubscriptionsPublic(
        data=[SubscriptionPublic.model_validate(r) for r in data], next_cursor=next_cursor
    )


@router.get(
    "/subscriptions/{subscription_id}",
    response_model=SubscriptionPublic,
    summary="One subscription, with its health (failing since, disabled and why)",
)
async def get_subscription(subscription_id: uuid.UUID, principal: Partner, uow: UowDep) -> SubscriptionPublic:
    return SubscriptionPublic.model_validate(await subscriptions.get(uow, principal, subscription_id))


@router.patch(
    "/subscriptions/{subscription_id}",
    response_model=SubscriptionPublic,
    summary="Change a subscription; `active: true` re-enables a disabled endpoint",
)
async def update_subscription(
    subscription_id: uuid.UUID,
    body: SubscriptionUpdate,
    principal: Partner,
    uow: UowDep,
    settings: SettingsDep,
    request: Request,
) -> SubscriptionPublic:
    changes = body.changes()
    row = await subscriptions.update(uow, principal, subscription_id, changes, env=settings.env)
    _wake(request)
    return SubscriptionPublic.model_validate(row)


@router.delete(
    "/subscriptions/{subscription_id}", status_code=204, summary="Delete a subscription and its log"
)
async def delete_subscription(subscription_id: uuid.UUID, principal: Partner, uow: UowDep) -> Response:
    await subscriptions.delete(uow, principal, subscription_id)
    return Response(status_code=204)


@router.get(
    "/subscriptions/{subscription_id}/deliveries",
    response_model=DeliveriesPublic,
    summary="The delivery log: attempts, status codes, latencies, next retry (newest first)",
)
async def list_deliveries(
    subscription_id: uuid.UUID,
    principal: Partner,
    uow: UowDep,
    state: DeliveryState | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_PAGE_SIZE,
) -> DeliveriesPublic:
    data, next_cursor = await subscriptions.list_deliveries(
        uow, principal, subscription_id, state=state.value if state else None, cursor=cursor, limit=limit
    )
    return DeliveriesPublic(data=[DeliveryPublic.model_validate(r) for r in data], next_cursor=next_cursor)


@router.get(
    "/subscriptions/{subscription_id}/deliveries/{delivery_id}",
    response_model=DeliveryPublic,
    summary="One delivery with every attempt",
)
async def get_delivery(
    subscription_id: uuid.UUID, delivery_id: int, principal: Partner, uow: UowDep
) -> DeliveryPublic:
    return DeliveryPublic.model_validate(
        await subscriptions.get_delivery(uow, principal, subscription_id, delivery_id)
    )


@router.post(
    "/subscriptions/{subscription_id}/deliveries/{delivery_id}/redeliver",
    status_code=202,
    response_model=DeliveryPublic,
    summary="Send a message again (same webhook-id), after the RUC's open deliveries",
)
async def redeliver(
    subscription_id: uuid.UUID, delivery_id: int, principal: Partner, uow: UowDep, request: Request
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
    subscription_id: uuid.UUID, principal: Partner, uow: UowDep, request: Request
) -> DeliveryPublic:
    row = await subscriptions.ping(uow, principal, subscription_id)
    _wake(request)
    return DeliveryPublic.model_validate(row)


@router.get(
    "/stats", response_model=WebhookStats, summary="Delivery totals, retry backlog, oldest pending (admins)"
)
async def stats(principal: Admin, uow: UowDep) -> WebhookStats:
    return WebhookStats.model_validate(await subscriptions.stats(uow))


# --- public status feed ------------------------------------------------------------------------


@public.get(
    "/feed/certificates",
    response_model=StatusFeedPublic,
    summary="Certificate status changes since a cursor (public)",
    description=(
        "For systems that cannot receive webhooks: call without `since` to read from the beginning, then "
        "pass the answer's `next_cursor` as `since` (store it): you get each change once, oldest first. "
        "`has_more: false` means you are up to date; poll again later."
    ),
    openapi_extra=PUBLIC,
)
async def certificate_feed(
    uow: UowDep,
    since: Annotated[
        str | None, Query(max_length=200, description="`next_cursor` of the previous call")
    ] = None,
    ruc: Annotated[str | None, Query(pattern=r"^\d{11}$", description="one company's changes")] = None,
    limit: LimitQuery = DEFAULT_PAGE_SIZE,
) -> StatusFeedPublic:
    rows, next_cursor, has_more = await feed.changes_since(uow, since=since, limit=limit, ruc=ruc)
    return StatusFeedPublic(
        data=[StatusChangePublic.model_validate(r) for r in rows], next_cursor=next_cursor, has_more=has_more
    )


@public.get(
    "/feed/certificates.json",
    summary="The newest certificate status changes as a JSON Feed 1.1 (public)",
    response_class=JSONResponse,
    responses={200: {"content": {"application/feed+json": {}}, "description": "a JSON Feed 1.1 document"}},
    openapi_extra=PUBLIC,
)
async def certificate_json_feed(
    uow: UowDep, settings: SettingsDep, limit: Annotated[int, Query(ge=1, le=200)] = 50
) -> JSONResponse:
    base = settings.public_base_url.rstrip("/")
    rows = await feed.latest(uow, limit=limit)
    items = [
        {
            "id": f"{base}/api/v1/webhooks/feed/certificates#{r['seq']}",
            "url": r["details"].get("links", {}).get("verification"),
            "title": f"Certificate {r['certificate_number']} ({r['ruc']}): {r['status']}",
            "content_text": (
                f"Certificate {r['certificate_number']} of RUC {r['ruc']} is {r['status']} "
                f"({r['event_type']}) as of {r['changed_at'].isoformat()}."
            ),
            "date_published": r["changed_at"].isoformat(),
            "tags": [r["status"], r["event_type"]],
            "_ecoeficiencia": {
                "certificate_id": str(r["certificate_id"]),
                "certificate_number": r["certificate_number"],
                "ruc": r["ruc"],
                "status": r["status"],
                "details": r["details"],
            },
        }
        for r in rows
    ]
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Ecoeficiencia: certificate status changes",
        "home_page_url": f"{base}/api/v1/catalog/organisations",
        "feed_url": f"{base}/api/v1/webhooks/feed/certificates.json",
        "description": "Issued, suspended, reinstated, withdrawn and expired certificates, newest first.",
        "items": items,
    }
    return JSONResponse(document, media_type="application/feed+json")


# --- what partners receive: OpenAPI 3.1 `webhooks` ----------------------------------------------


def document_webhooks(app: FastAPI) -> None:
    """Describe the receiving side: one entry per message family, with the signing scheme."""
    for name, model, summary in (
        (
            "certificate",
            CertificateWebhook,
            "A certificate was issued, suspended, reinstated, withdrawn or expired",
        ),
        ("mark_licence", MarkLicenceWebhook, "The right to use the mark was granted, suspended or revoked"),
        ("participant", ParticipantWebhook, "A company was admitted, completed training, or became eligible"),
        ("webhook.ping", PingWebhook, "A test message sent by the ping operation"),
    ):

        async def receive(body):  # pragma: no cover - documentation only, never called
            return None

        receive.__annotations__ = {"body": model, "return": None}
        receive.__name__ = f"receive_{name.replace('.', '_')}"
        app.webhooks.post(
            name,
            summary=summary,
            description=SIGNING,
            status_code=204,
            responses={204: {"description": "received (any 2xx will do)"}},
        )(receive)
