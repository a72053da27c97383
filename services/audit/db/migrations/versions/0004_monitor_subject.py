"""The monitor's login subject and since when, from the admission and reassignment events.

Revision ID: audit_0004
Revises: audit_0003
"""

import sqlalchemy as sa
from alembic import op

revision = "audit_0004"
down_revision = "audit_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("participants", sa.Column("monitor_subject", sa.Text), schema="audit")
    op.add_column("participants", sa.Column("monitor_assigned_at", sa.DateTime(timezone=True)), schema="audit")


def downgrade() -> None:
    op.drop_column("participants", "monitor_assigned_at", schema="audit")
    op.drop_column("participants", "monitor_subject", schema="audit")
