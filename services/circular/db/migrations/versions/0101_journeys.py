"""Transition journeys: a measure committed with its MCI baseline, its follow-ups and its end.

Revision ID: circular_0101
Revises: circular_0100
"""

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "circular_0101"
down_revision = "circular_0100"
branch_labels = None
depends_on = None

S = "circular"


def _ts(name, **kw):
    return sa.Column(name, sa.DateTime(timezone=True), **kw)


def upgrade() -> None:
    from alembic import op

    op.create_table(
        "journeys",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("company_ruc", sa.Text, nullable=False),
        sa.Column("company_name", sa.Text, nullable=False),
        sa.Column("women_led", sa.Boolean, nullable=False),
        sa.Column("node", sa.Text, comment="arequipa | la_libertad | lima; null: outside the nodes"),
        sa.Column("started_on", sa.Date, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("measure", sa.Text, nullable=False),
        sa.Column("methodology", sa.Text),
        sa.Column("mci_inputs", JSONB, nullable=False),
        sa.Column("mci_result", JSONB, nullable=False),
        sa.Column("mci_baseline", sa.Float, nullable=False),
        sa.Column("commitment", JSONB, nullable=False),
        sa.Column("investment", sa.Numeric(14, 2), nullable=False),
        sa.Column("expected_annual_savings", sa.Numeric(14, 2), nullable=False),
        sa.Column("finished_on", sa.Date),
        sa.Column("abandoned_on", sa.Date),
        sa.Column("abandon_reason", sa.Text),
        sa.Column("created_by", sa.Text, nullable=False),
        _ts("created_at", nullable=False),
        _ts("updated_at", nullable=False),
        schema=S,
    )
    op.create_index("journeys_started_idx", "journeys", ["started_on", "id"], schema=S)
    op.create_index("journeys_ruc_idx", "journeys", ["company_ruc"], schema=S)
    op.create_table(
        "journey_follow_ups",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column(
            "journey_id",
            UUID(as_uuid=True),
            sa.ForeignKey(f"{S}.journeys.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("measured_on", sa.Date, nullable=False),
        sa.Column("measured", JSONB, nullable=False),
        sa.Column("mci_inputs", JSONB),
        sa.Column("mci", sa.Float),
        sa.Column("note", sa.Text),
        sa.Column("recorded_by", sa.Text, nullable=False),
        _ts("recorded_at", nullable=False),
        schema=S,
    )
    op.create_index(
        "journey_follow_ups_journey_idx", "journey_follow_ups", ["journey_id", "recorded_at"], schema=S
    )


def downgrade() -> None:
    from alembic import op

    op.drop_table("journey_follow_ups", schema=S)
    op.drop_table("journeys", schema=S)
