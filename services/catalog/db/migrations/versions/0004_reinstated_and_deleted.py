"""Read model: certificate reinstatements and company deletions.

Revision ID: catalog_0004
Revises: catalog_0003

``certificates.reinstated_at`` (the latest reinstatement; ``suspended_at`` now keeps the
latest suspension, so the later of the two says whether a suspension is in force) and
``companies.deleted_at`` / ``last_registered_at`` (a company deleted after its latest
registration no longer counts as registered). Both come from the events alone; a replay
(``services.catalog.rebuild``) fills them.
"""

import sqlalchemy as sa

revision = "catalog_0004"
down_revision = "catalog_0003"
branch_labels = None
depends_on = None

S = "catalog"


def upgrade() -> None:
    from alembic import op
    op.add_column("certificates", sa.Column("reinstated_at", sa.DateTime(timezone=True)), schema=S)
    op.add_column("companies", sa.Column("last_registered_at", sa.DateTime(timezone=True)), schema=S)
    op.add_column("companies", sa.Column("deleted_at", sa.DateTime(timezone=True)), schema=S)
    op.execute(f"UPDATE {S}.companies SET last_registered_at = registered_at")


def downgrade() -> None:
    from alembic import op
    op.drop_column("companies", "deleted_at", schema=S)
    op.drop_column("companies", "last_registered_at", schema=S)
    op.drop_column("certificates", "reinstated_at", schema=S)
