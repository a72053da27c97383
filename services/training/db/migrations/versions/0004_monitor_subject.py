"""The monitor's login subject and since when, from the admission and reassignment events:
what confines a monitor to the companies assigned to it.

Revision ID: training_0004
Revises: training_0003
"""

import sqlalchemy as sa
from alembic import op

revision = "training_0004"
down_revision = "training_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("participants", sa.Column("monitor_subject", sa.Text), schema="training")
    op.add_column(
        "participants", sa.Column("monitor_assigned_at", sa.DateTime(timezone=True)), schema="training"
    )


def downgrade() -> None:
    op.drop_column("participants", "monitor_assigned_at", schema="training")
    op.drop_column("participants", "monitor_subject", schema="training")
