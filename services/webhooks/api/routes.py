"""Routes of the webhooks service: subscriptions and their delivery logs (partners, admins),
the public certificate status feed, and the documentation of what partners receive."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from services.webhooks.api import feed, subscriptions
from services.webhooks.api.openapi_text import SIGNING
from services.webhooks.api.schemas import (
    CertificateWebhook,
    MarkLicenceWebhook,
    ParticipantWebhook,
    PingWebhook,
)

router = APIRouter()
router.include_router(subscriptions.router)

public = APIRouter()
public.include_router(feed.router)


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
