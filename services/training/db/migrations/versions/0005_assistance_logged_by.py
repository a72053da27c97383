"""Technical assistance keeps who logged a visit apart from the monitor who held it.

An officer logging a visit on a monitor's behalf no longer becomes the monitor: the
monitor is the participant's assigned one, the officer is recorded as ``logged_by``.

Revision ID: training_0005
Revises: training_0004
"""

import sqlalchemy as sa
from alembic import op

revision = "training_0005"
down_revision = "training_0004"
branch_labels = None
depends_on = None

SCHEMA = "training"


def upgrade() -> None:
    op.add_column("assistance", sa.Column("logged_by_subject", sa.Text), schema=SCHEMA)
    op.add_column("assistance", sa.Column("logged_by_name", sa.Text), schema=SCHEMA)
    op.alter_column("assistance", "monitor_subject", nullable=True, schema=SCHEMA)


def downgrade() -> None:
    op.drop_column("assistance", "logged_by_name", schema=SCHEMA)
    op.drop_column("assistance", "logged_by_subject", schema=SCHEMA)
