"""The Kafka partition (by RUC) of each message's event, for the worker's ordering watermark.

Revision ID: webhooks_0003
Revises: webhooks_0002
"""

import sqlalchemy as sa

revision = "webhooks_0003"
down_revision = "webhooks_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from alembic import op

    op.add_column("messages", sa.Column("partition", sa.SmallInteger), schema="webhooks")


def downgrade() -> None:
    from alembic import op

    op.drop_column("messages", "partition", schema="webhooks")
