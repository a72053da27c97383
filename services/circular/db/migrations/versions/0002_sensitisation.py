"""Companies met by the programme, sensitisation activities and their attendance, people trained.

Revision ID: circular_0002
Revises: circular_0001
"""

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID

revision = "circular_0002"
down_revision = "circular_0001"
branch_labels = None
depends_on = None

S = "circular"


def _ts(name, **kw):
    return sa.Column(name, sa.DateTime(timezone=True), **kw)


def upgrade() -> None:
    from alembic import op

    op.create_table(
        "companies",
        sa.Column("ruc", sa.Text, primary_key=True),
        sa.Column("legal_name", sa.Text),
        sa.Column("size", sa.Text, comment="micro | small | medium | large; null: not stated"),
        sa.Column("manufacturing", sa.Boolean, comment="null: not stated"),
        sa.Column("women_led", sa.Boolean, comment="null: not stated"),
        _ts("created_at", nullable=False),
        _ts("updated_at", nullable=False),
        schema=S,
    )
    op.create_table(
        "activities",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("held_on", sa.Date, nullable=False),
        sa.Column("node", sa.Text, nullable=False),
        sa.Column("organiser_kind", sa.Text, nullable=False),
        sa.Column("organiser", sa.Text, nullable=False),
        sa.Column("methodology", sa.Text),
        sa.Column("place", sa.Text),
        sa.Column("external_ref", sa.Text, comment="the organiser's own reference; unique per organiser"),
        sa.Column("created_by", sa.Text, nullable=False),
        _ts("created_at", nullable=False),
        _ts("updated_at", nullable=False),
        sa.UniqueConstraint("organiser", "external_ref", name="activities_organiser_ref_key"),
        schema=S,
    )
    op.create_index("activities_held_on_idx", "activities", ["held_on", "id"], schema=S)
    op.create_table(
        "activity_companies",
        sa.Column(
            "activity_id",
            UUID(as_uuid=True),
            sa.ForeignKey(f"{S}.activities.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("ruc", sa.Text, sa.ForeignKey(f"{S}.companies.ruc"), primary_key=True),
        _ts("created_at", nullable=False),
        schema=S,
    )
    op.create_index("activity_companies_ruc_idx", "activity_companies", ["ruc"], schema=S)
    op.create_table(
        "attendees",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column(
            "activity_id",
            UUID(as_uuid=True),
            sa.ForeignKey(f"{S}.activities.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("person_key", sa.Text, nullable=False, comment="folded name + RUC: one row per person"),
        sa.Column("full_name", sa.Text, nullable=False),
        sa.Column("gender", sa.Text, nullable=False),
        sa.Column("role", sa.Text),
        sa.Column("ruc", sa.Text, sa.ForeignKey(f"{S}.companies.ruc")),
        _ts("created_at", nullable=False),
        sa.UniqueConstraint("activity_id", "person_key", name="attendees_activity_person_key"),
        schema=S,
    )
    op.create_table(
        "trainings",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("methodology", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("node", sa.Text),
        sa.Column("organiser", sa.Text, nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date, nullable=False),
        sa.Column("hours", sa.Numeric(6, 1), nullable=False),
        sa.Column(
            "min_share",
            sa.Numeric(3, 2),
            nullable=False,
            comment="share of the hours a trainee attends to count as trained (and get a certificate)",
        ),
        sa.Column("created_by", sa.Text, nullable=False),
        _ts("created_at", nullable=False),
        sa.CheckConstraint("ends_on >= starts_on", name="trainings_dates_check"),
        schema=S,
    )
    op.create_table(
        "trainees",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column(
            "training_id",
            UUID(as_uuid=True),
            sa.ForeignKey(f"{S}.trainings.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("person_key", sa.Text, nullable=False),
        sa.Column("full_name", sa.Text, nullable=False),
        sa.Column("dni", sa.Text),
        sa.Column("gender", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False, comment="specialist | public_official"),
        sa.Column("institution", sa.Text, nullable=False),
        sa.Column("hours_attended", sa.Numeric(6, 1), nullable=False),
        _ts("created_at", nullable=False),
        sa.UniqueConstraint("training_id", "person_key", name="trainees_training_person_key"),
        schema=S,
    )


def downgrade() -> None:
    from alembic import op

    for table in ("trainees", "trainings", "attendees", "activity_companies", "activities", "companies"):
        op.drop_table(table, schema=S)
