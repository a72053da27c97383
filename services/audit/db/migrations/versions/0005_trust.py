"""Certificates the public can trust (issue 14).

- participants learn training completion and technical assistance from training's events;
- a pre-audit keeps an officer's recorded override of the programme order;
- a standard version keeps who approved it as official, with the declared counts;
- certificate history says whether a row is a transition or an admin's correction;
- the mark licence is its own record with its own history.

Revision ID: audit_0005
Revises: audit_0004
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, UUID

revision = "audit_0005"
down_revision = "audit_0004"
branch_labels = None
depends_on = None

S = "audit"
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("participants", sa.Column("training_completed_at", TS), schema=S)
    op.add_column("participants", sa.Column("training_changed_at", TS), schema=S)
    op.create_table(
        "assistance_visits",
        sa.Column("assistance_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("participant_id", UUID(as_uuid=True), nullable=False),
        sa.Column("held_on", sa.Date, nullable=False),
        sa.Column("monitor_name", sa.Text),
        sa.Column("aspects", ARRAY(sa.Text), nullable=False, server_default=sa.text("'{}'::text[]")),
        sa.Index("ix_assistance_visits_participant", "participant_id"),
        schema=S,
    )
    op.add_column("preaudits", sa.Column("order_override_by", sa.Text), schema=S)
    op.add_column("preaudits", sa.Column("order_override_reason", sa.Text), schema=S)
    op.add_column("preaudits", sa.Column("order_override_at", TS), schema=S)
    for name, kind in (
        ("official_approved_by", sa.Text),
        ("official_approved_at", TS),
        ("official_reason", sa.Text),
        ("declared_aspect_count", sa.Integer),
        ("declared_requirement_count", sa.Integer),
    ):
        op.add_column("standard_versions", sa.Column(name, kind), schema=S)
    op.add_column(
        "certificate_history",
        sa.Column("kind", sa.Text, nullable=False, server_default="transition"),
        schema=S,
    )
    op.create_table(
        "mark_licences",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column(
            "certificate_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.certificates.id"), nullable=False, unique=True
        ),
        sa.Column("certificate_number", sa.Text, nullable=False),
        sa.Column("ruc", sa.Text, nullable=False),
        sa.Column("granted_on", sa.Date, nullable=False),
        sa.Column("valid_until", sa.Date, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("status_reason", sa.Text),
        sa.Column("status_changed_at", TS, nullable=False),
        sa.Column("status_changed_by", sa.Text, nullable=False),
        schema=S,
    )
    op.create_table(
        "mark_licence_history",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("licence_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.mark_licences.id"), nullable=False),
        sa.Column("from_status", sa.Text),
        sa.Column("to_status", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False, server_default="transition"),
        sa.Column("changed_by", sa.Text, nullable=False),
        sa.Column("changed_at", TS, nullable=False),
        sa.Index("ix_mark_licence_history_licence", "licence_id", "id"),
        schema=S,
    )
    # Certificates issued before this revision get the licence they implied (mark_use_until).
    op.execute(
        f"""
        INSERT INTO {S}.mark_licences
            (id, certificate_id, certificate_number, ruc, granted_on, valid_until, status, status_reason,
             status_changed_at, status_changed_by)
        SELECT gen_random_uuid(), id, number, ruc, issued_on, mark_use_until,
               CASE status WHEN 'active' THEN 'granted' WHEN 'suspended' THEN 'suspended'
                           WHEN 'expired' THEN 'expired' ELSE 'withdrawn' END,
               'migrated from mark_use_until', COALESCE(status_changed_at, created_at), 'system:migration'
        FROM {S}.certificates
        """
    )


def downgrade() -> None:
    op.drop_table("mark_licence_history", schema=S)
    op.drop_table("mark_licences", schema=S)
    op.drop_column("certificate_history", "kind", schema=S)
    for name in (
        "official_approved_by",
        "official_approved_at",
        "official_reason",
        "declared_aspect_count",
        "declared_requirement_count",
    ):
        op.drop_column("standard_versions", name, schema=S)
    for name in ("order_override_by", "order_override_reason", "order_override_at"):
        op.drop_column("preaudits", name, schema=S)
    op.drop_table("assistance_visits", schema=S)
    op.drop_column("participants", "training_changed_at", schema=S)
    op.drop_column("participants", "training_completed_at", schema=S)
