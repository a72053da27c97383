"""Outbox, inbox and idempotency keys of schema webhooks.

Revision ID: webhooks_0001
Revises:
"""

from shared.events.tables import create_messaging_tables

revision = "webhooks_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    from alembic import op

    create_messaging_tables(op, "webhooks")


def downgrade() -> None:
    from alembic import op

    for table in ("idempotency_keys", "inbox", "outbox"):
        op.drop_table(table, schema="webhooks")
