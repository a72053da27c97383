"""The mark licence in the catalogue and on verification (issue 14).

The right to use the mark is its own record in audit (granted, suspended, withdrawn,
expired); the catalogue keeps its latest status per certificate and shows it.

Revision ID: catalog_0005
Revises: catalog_0004
"""

import sqlalchemy as sa
from alembic import op

revision = "catalog_0005"
down_revision = "catalog_0004"
branch_labels = None
depends_on = None

S = "catalog"


def upgrade() -> None:
    op.add_column("certificates", sa.Column("mark_status", sa.Text), schema=S)
    op.add_column("certificates", sa.Column("mark_valid_until", sa.Date), schema=S)
    op.add_column("certificates", sa.Column("mark_changed_at", sa.DateTime(timezone=True)), schema=S)
    op.add_column("organisations", sa.Column("mark_status", sa.Text), schema=S)


def downgrade() -> None:
    op.drop_column("organisations", "mark_status", schema=S)
    for name in ("mark_changed_at", "mark_valid_until", "mark_status"):
        op.drop_column("certificates", name, schema=S)
