"""Subscriptions, messages, deliveries and their attempts, the RUC -> region map, the status feed.

Revision ID: webhooks_0002
Revises: webhooks_0001
"""

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

revision = "webhooks_0002"
down_revision = "webhooks_0001"
branch_labels = None
depends_on = None

S = "webhooks"
TEXT_ARRAY = ARRAY(sa.Text)


def _ts(name, **kw):
    return sa.Column(name, sa.DateTime(timezone=True), **kw)


def upgrade() -> None:
    from alembic import op

    op.create_table(
        "subscriptions",
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
        schema=S,
    )
    op.create_index("ix_subscriptions_owner", "subscriptions", ["owner"], schema=S)
    op.create_table(
        "messages",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("event_id", UUID(as_uuid=True)),
        sa.Column("event_type", sa.Text, nullable=False),
        sa.Column("ruc", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        _ts("occurred_at", nullable=False),
        _ts("created_at", nullable=False),
        schema=S,
    )
    op.create_table(
        "deliveries",
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
        sa.CheckConstraint(
            "state IN ('queued', 'pending', 'delivered', 'failed')", name="ck_deliveries_state"
        ),
        schema=S,
    )
    op.create_index(
        "ix_deliveries_due",
        "deliveries",
        ["next_attempt_at"],
        schema=S,
        postgresql_where=sa.text("state = 'pending'"),
    )
    op.create_index(
        "ix_deliveries_chain",
        "deliveries",
        ["subscription_id", "ruc", "id"],
        schema=S,
        postgresql_where=sa.text("state IN ('queued', 'pending')"),
    )
    op.create_index("ix_deliveries_subscription", "deliveries", ["subscription_id", "id"], schema=S)
    op.create_table(
        "attempts",
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
        schema=S,
    )
    op.create_index("ix_attempts_delivery", "attempts", ["delivery_id", "id"], schema=S)
    op.create_table(
        "companies",
        sa.Column("ruc", sa.Text, primary_key=True),
        sa.Column("region", sa.Text),
        _ts("updated_at", nullable=False),
        schema=S,
    )
    op.create_table(
        "feed",
        sa.Column("seq", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("event_id", UUID(as_uuid=True), nullable=False, unique=True),
        sa.Column("certificate_id", UUID(as_uuid=True), nullable=False),
        sa.Column("certificate_number", sa.Text, nullable=False),
        sa.Column("ruc", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("event_type", sa.Text, nullable=False),
        _ts("changed_at", nullable=False),
        sa.Column("details", JSONB, nullable=False),
        schema=S,
    )


def downgrade() -> None:
    from alembic import op

    for table in ("feed", "companies", "attempts", "deliveries", "messages", "subscriptions"):
        op.drop_table(table, schema=S)
