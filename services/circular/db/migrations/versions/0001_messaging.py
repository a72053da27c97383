"""Outbox, inbox and idempotency keys of schema circular.

Revision ID: circular_0001
Revises:
"""

from shared.events.tables import create_messaging_tables

revision = "circular_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    from alembic import op

    create_messaging_tables(op, "circular")


def downgrade() -> None:
    from alembic import op

    for table in ("idempotency_keys", "inbox", "outbox"):
        op.drop_table(table, schema="circular")
