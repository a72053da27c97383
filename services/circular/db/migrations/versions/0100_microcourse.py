"""The WhatsApp micro-course: learners (by a keyed hash of their number) and the provider's messages.

Revision ID: circular_0100
Revises: circular_0002
"""

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, UUID

revision = "circular_0100"
down_revision = "circular_0002"
branch_labels = None
depends_on = None

S = "circular"


def _ts(name, **kw):
    return sa.Column(name, sa.DateTime(timezone=True), **kw)


def upgrade() -> None:
    from alembic import op

    op.create_table(
        "microcourse_learners",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("phone_hash", sa.Text, nullable=False, comment="HMAC-SHA256 of the number (hex), keyed"),
        sa.Column("phone_last_digits", sa.Text, nullable=False),
        sa.Column("node", sa.Text, comment="arequipa | la_libertad | lima; null: another region or not stated"),
        sa.Column("gender", sa.Text, nullable=False),
        sa.Column("company_ruc", sa.Text),
        _ts("enrolled_at", nullable=False),
        sa.Column("enrolled_on", sa.Date, nullable=False),
        sa.Column("modules", ARRAY(sa.Integer), nullable=False, server_default="{}"),
        _ts("completed_at"),
        sa.Column("completed_on", sa.Date),
        _ts("created_at", nullable=False),
        _ts("updated_at", nullable=False),
        sa.UniqueConstraint("phone_hash", name="microcourse_learners_phone_hash_key"),
        schema=S,
    )
    op.create_index(
        "microcourse_learners_enrolled_idx", "microcourse_learners", ["enrolled_on", "id"], schema=S
    )
    op.create_table(
        "microcourse_messages",
        sa.Column("message_id", sa.Text, primary_key=True),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("outcome", sa.Text, nullable=False, comment="applied | ignored"),
        sa.Column("learner_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.microcourse_learners.id")),
        sa.Column("body_sha256", sa.Text, nullable=False),
        _ts("occurred_at"),
        _ts("received_at", nullable=False),
        schema=S,
    )


def downgrade() -> None:
    from alembic import op

    op.drop_table("microcourse_messages", schema=S)
    op.drop_table("microcourse_learners", schema=S)
