"""Request and response schemas of the webhooks API (``XCreate / XUpdate / XPublic``)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, StringConstraints

from services.webhooks.domain.catalogue import EventType
from shared.pagination import Page
from shared.partial import PartialUpdate, left_out

Ruc = Annotated[str, StringConstraints(pattern=r"^\d{11}$")]
Region = Annotated[str, StringConstraints(min_length=1, max_length=100)]
Scope = Annotated[str, StringConstraints(pattern=r"^[a-z]+:(read|write)$")]


class SubscriptionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: AnyHttpUrl = Field(
        description="where we POST; https outside dev/test", examples=["https://partner.pe/hooks"]
    )
    event_types: list[EventType] = Field(min_length=1, max_length=len(EventType))
    rucs: list[Ruc] | None = Field(None, max_length=1000, description="only these companies (none: all)")
    regions: list[Region] | None = Field(None, max_length=30, description="only companies of these regions")
    description: str | None = Field(None, max_length=500)
    owner: str | None = Field(
        None,
        max_length=100,
        description="admins only: the partner's API key id (`apikey:<id>`) the subscription belongs to",
    )
    organisation: str | None = Field(None, max_length=200, description="admins only: the partner's name")
    scopes: list[Scope] | None = Field(
        None,
        max_length=20,
        description="admins only: the partner key's scopes (they decide what it receives)",
    )


class SubscriptionUpdate(PartialUpdate):
    model_config = ConfigDict(extra="forbid")

    url: AnyHttpUrl = left_out()
    event_types: list[EventType] = left_out(min_length=1, max_length=len(EventType))
    rucs: list[Ruc] | None = None
    regions: list[Region] | None = None
    description: str | None = Field(None, max_length=500)
    active: bool = left_out(description="false pauses deliveries; true re-enables a disabled endpoint")


class SubscriptionPublic(BaseModel):
    id: uuid.UUID
    owner: str
    organisation: str | None
    description: str | None
    url: str
    event_types: list[str]
    rucs: list[str] | None
    regions: list[str] | None
    scopes: list[str]
    active: bool
    disabled_at: datetime | None = None
    disabled_reason: str | None = Field(None, description="why deliveries stopped (automatic or by hand)")
    failing_since: datetime | None = None
    last_success_at: datetime | None = None
    last_failure_at: datetime | None = None
    created_at: datetime
    updated_at: datetime


class SubscriptionCreated(SubscriptionPublic):
    secret: str = Field(
        description="the signing secret (`whsec_...`), shown in this answer only: store it now",
        examples=["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
    )


SubscriptionsPublic = Page[SubscriptionPublic]


class AttemptPublic(BaseModel):
    attempted_at: datetime
    status_code: int | None = Field(description="the endpoint's HTTP status; null when it gave none")
    latency_ms: float
    error: str | None = None


class DeliveryState(StrEnum):
    queued = "queued"
    pending = "pending"
    delivered = "delivered"
    failed = "failed"


class DeliveryPublic(BaseModel):
    id: int
    subscription_id: uuid.UUID
    message_id: str = Field(description="the `webhook-id` header: the same on every attempt")
    event_type: str
    ruc: str
    state: DeliveryState = Field(
        description="queued: waits for an earlier delivery of the same RUC; pending: due or retrying; "
        "delivered; failed: retried for the whole retry window without success"
    )
    attempts: int
    last_status: int | None
    last_error: str | None
    next_attempt_at: datetime | None = Field(description="when the next try is due (pending only)")
    manual: bool = Field(description="queued by a redelivery or a ping")
    created_at: datetime
    completed_at: datetime | None
    attempt_log: list[AttemptPublic] = Field(default_factory=list, description="newest first (up to 20)")


DeliveriesPublic = Page[DeliveryPublic]


class WebhookStats(BaseModel):
    pending: int
    queued: int
    retry_backlog: int = Field(description="pending deliveries that already failed at least once")
    delivered: int
    failed: int
    oldest_pending_age_seconds: float
    subscriptions_active: int
    subscriptions_disabled: int


# --- the status feed -------------------------------------------------------------------------


class CertificateStatus(StrEnum):
    valid = "valid"
    suspended = "suspended"
    withdrawn = "withdrawn"
    expired = "expired"


class StatusChangePublic(BaseModel):
    certificate_id: uuid.UUID
    certificate_number: str
    ruc: str
    status: CertificateStatus
    event_type: str
    changed_at: datetime
    details: dict[str, Any] = Field(description="dates (issued_on, expires_on, mark_use_until...) and links")


class StatusFeedPublic(BaseModel):
    data: list[StatusChangePublic]
    next_cursor: str = Field(description="pass as ?since= next time: always present, also at the end")
    has_more: bool = Field(description="true: call again now; false: you are up to date")


# --- what partners receive (documented as OpenAPI `webhooks`) ---------------------------------


class CertificateLinks(BaseModel):
    verification: str
    organisation: str
    certificate: str


class CertificateData(BaseModel):
    certificate_id: uuid.UUID
    certificate_number: str
    ruc: str
    status: CertificateStatus
    changed_at: datetime
    issued_on: date | None = None
    expires_on: date | None = None
    expired_on: date | None = None
    mark_use_until: date | None = None
    supersedes_certificate_number: str | None = None
    links: CertificateLinks


class MarkLicenceData(BaseModel):
    certificate_id: uuid.UUID
    certificate_number: str
    ruc: str
    status: CertificateStatus
    mark_licence: Literal["granted", "suspended", "revoked"]
    mark_use_until: date | None = None
    changed_at: datetime
    links: CertificateLinks


class ParticipantLinks(BaseModel):
    company: str
    training_progress: str


class ParticipantData(BaseModel):
    participant_id: uuid.UUID
    ruc: str
    status: Literal["admitted", "training_completed", "certification_eligible"]
    cohort_id: uuid.UUID
    changed_at: datetime
    workshops_attended: list[int] | None = None
    links: ParticipantLinks


class CertificateWebhook(BaseModel):
    type: Literal[
        "certificate.issued",
        "certificate.suspended",
        "certificate.reinstated",
        "certificate.withdrawn",
        "certificate.expired",
    ]
    timestamp: datetime
    data: CertificateData


class MarkLicenceWebhook(BaseModel):
    type: Literal["mark_licence.granted", "mark_licence.suspended", "mark_licence.revoked"]
    timestamp: datetime
    data: MarkLicenceData


class ParticipantWebhook(BaseModel):
    type: Literal[
        "participant.admitted", "participant.training_completed", "participant.certification_eligible"
    ]
    timestamp: datetime
    data: ParticipantData


class PingWebhook(BaseModel):
    type: Literal["webhook.ping"]
    timestamp: datetime
    data: dict[str, str]
