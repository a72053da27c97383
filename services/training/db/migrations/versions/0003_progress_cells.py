"""Each participant's workshop cells (attended, best share, minutes per Taller 0-10),
kept by the completion re-evaluation so the cohort matrix is a plain read.

Revision ID: training_0003
Revises: training_0002
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision = "training_0003"
down_revision = "training_0002"
branch_labels = None
depends_on = None

SCHEMA = "training"
COLUMNS = (
    ("cells_attended", sa.Boolean),
    ("cells_share", sa.Float),
    ("cells_minutes", sa.Float),
)


def upgrade() -> None:
    for name, item in COLUMNS:
        op.add_column("participants", sa.Column(name, ARRAY(item)), schema=SCHEMA)


def downgrade() -> None:
    for name, _ in COLUMNS:
        op.drop_column("participants", name, schema=SCHEMA)
