"""Tables of schema ``webhooks``. Every table names the schema explicitly.

* ``subscriptions``: who wants what, where (a partner's endpoint and its signing secret);
* ``messages``: one webhook message per (platform event, webhook type), its body fixed once so
  every attempt and every subscription sends the same bytes under the same ``webhook-id``;
* ``deliveries``: one message to one subscription, with its state; ``queued`` deliveries wait
  behind an earlier one of the same (subscription, RUC) chain, so each chain is sent in order;
* ``attempts``: every HTTP try (status, latency, error): the delivery log;
* ``companies``: RUC -> region, from enrollment's company events (for region filters);
* ``feed``: certificate status changes, the public pull alternative to webhooks.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlmodel import SQLModel

from shared.events.tables import messaging_tables

SCHEMA = "webhooks"
MESSAGING = messaging_tables(SCHEMA)
metadata = SQLModel.metadata
TEXT_ARRAY = ARRAY(sa.Text)


def _ts(name: str, **kw) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), **kw)


subscriptions = sa.Table(
    "subscriptions",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("owner", sa.Text, nullable=False),
    sa.Column("organisation", sa.Text),
    sa.Column("description", sa.Text),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("event_types", TEXT_ARRAY, nullable=False),
    sa.Column("rucs", TEXT_ARRAY),
    sa.Column("regions", TEXT_ARRAY),
    sa.Column("scopes", TEXT_ARRAY, nullable=False),
    sa.Column("secret", sa.Text, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("disabled_reason", sa.Text),
    _ts("disabled_at"),
    _ts("failing_since"),
    _ts("last_success_at"),
    _ts("last_failure_at"),
    sa.Column("created_by", sa.Text, nullable=False),
    _ts("created_at", nullable=False),
    _ts("updated_at", nullable=False),
    sa.Index("ix_subscriptions_owner", "owner"),
    schema=SCHEMA,
)

messages = sa.Table(
    "messages",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("event_id", UUID(as_uuid=True)),
    sa.Column("event_type", sa.Text, nullable=False),
    sa.Column("ruc", sa.Text, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    _ts("occurred_at", nullable=False),
    # The Kafka partition of the event (by RUC); null for pings. Used by the ordering watermark.
    sa.Column("partition", sa.SmallInteger),
    _ts("created_at", nullable=False),
    schema=SCHEMA,
)

deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column(
        "subscription_id",
        UUID(as_uuid=True),
        sa.ForeignKey("webhooks.subscriptions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("message_id", sa.Text, sa.ForeignKey("webhooks.messages.id"), nullable=False),
    sa.Column("ruc", sa.Text, nullable=False),
    sa.Column("state", sa.Text, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    _ts("next_attempt_at"),
    _ts("leased_until"),
    sa.Column("last_status", sa.Integer),
    sa.Column("last_error", sa.Text),
    sa.Column("manual", sa.Boolean, nullable=False, server_default=sa.false()),
    _ts("created_at", nullable=False),
    _ts("completed_at"),
    sa.CheckConstraint("state IN ('queued', 'pending', 'delivered', 'failed')", name="ck_deliveries_state"),
    # Due work: the worker's claim.
    sa.Index("ix_deliveries_due", "next_attempt_at", postgresql_where=sa.text("state = 'pending'")),
    # Open chains (subscription, RUC): who is next after a delivery completes.
    sa.Index(
        "ix_deliveries_chain",
        "subscription_id",
        "ruc",
        "id",
        postgresql_where=sa.text("state IN ('queued', 'pending')"),
    ),
    # The delivery log, newest first.
    sa.Index("ix_deliveries_subscription", "subscription_id", "id"),
    schema=SCHEMA,
)

attempts = sa.Table(
    "attempts",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column(
        "delivery_id",
        sa.BigInteger,
        sa.ForeignKey("webhooks.deliveries.id", ondelete="CASCADE"),
        nullable=False,
    ),
    _ts("attempted_at", nullable=False),
    sa.Column("status_code", sa.Integer),
    sa.Column("latency_ms", sa.Float, nullable=False),
    sa.Column("error", sa.Text),
    sa.Index("ix_attempts_delivery", "delivery_id", "id"),
    schema=SCHEMA,
)

companies = sa.Table(
    "companies",
    metadata,
    sa.Column("ruc", sa.Text, primary_key=True),
    sa.Column("region", sa.Text),
    _ts("updated_at", nullable=False),
    schema=SCHEMA,
)

feed = sa.Table(
    "feed",
    metadata,
    sa.Column("seq", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("event_id", UUID(as_uuid=True), nullable=False, unique=True),
    sa.Column("certificate_id", UUID(as_uuid=True), nullable=False),
    sa.Column("certificate_number", sa.Text, nullable=False),
    sa.Column("ruc", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("event_type", sa.Text, nullable=False),
    _ts("changed_at", nullable=False),
    sa.Column("details", JSONB, nullable=False),
    schema=SCHEMA,
)
