"""Tables of schema ``training``. Every table names the schema explicitly.

Core tables on SQLModel's metadata: the service's writes are set-based (a bulk report is
one multi-row upsert, a re-evaluation one aggregate), which Core expresses directly.
"""

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlmodel import SQLModel

from shared.events.tables import messaging_tables

SCHEMA = "training"
MESSAGING = messaging_tables(SCHEMA)
metadata = SQLModel.metadata


def _timestamp(name: str, *, nullable: bool = False, **kwargs: Any) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable, **kwargs)


workshops = sa.Table(
    "workshops",
    metadata,
    sa.Column("number", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("code", sa.Text, nullable=False),
    sa.Column("title_es", sa.Text, nullable=False),
    sa.Column("title_en", sa.Text, nullable=False),
    sa.Column("duration_minutes", sa.Integer),
    sa.Column("curriculum_version", sa.Text, nullable=False),
    schema=SCHEMA,
)

cohorts = sa.Table(
    "cohorts",
    metadata,
    sa.Column("cohort_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("cohort_name", sa.Text, nullable=False),
    sa.Column("mandatory_workshops", ARRAY(sa.Integer), nullable=False),
    sa.Column("min_attendance_share", sa.Numeric(4, 3), nullable=False),
    sa.Column("workshop_durations", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
    _timestamp("created_at"),
    _timestamp("updated_at"),
    sa.Column("updated_by", sa.Text),
    schema=SCHEMA,
)

participants = sa.Table(
    "participants",
    metadata,
    sa.Column("participant_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("company_id", UUID(as_uuid=True), nullable=False),
    sa.Column("ruc", sa.Text, nullable=False),
    sa.Column("legal_name", sa.Text),
    sa.Column("cohort_id", UUID(as_uuid=True), sa.ForeignKey(f"{SCHEMA}.cohorts.cohort_id"), nullable=False),
    sa.Column("region", sa.Text),
    sa.Column("women_led", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("monitor_id", UUID(as_uuid=True)),
    sa.Column("monitor_name", sa.Text),
    sa.Column("monitor_email", sa.Text),
    # The monitor's login subject and since when (admission or reassignment, the newest wins).
    sa.Column("monitor_subject", sa.Text),
    _timestamp("monitor_assigned_at", nullable=True),
    sa.Column("status", sa.Text, nullable=False),
    _timestamp("admitted_at", nullable=True),
    _timestamp("withdrawn_at", nullable=True),
    sa.Column("withdrawal_reason", sa.Text),
    sa.Column("completion_state", sa.Text, nullable=False, server_default="in_progress"),
    _timestamp("completed_at", nullable=True),
    _timestamp("completion_changed_at", nullable=True),
    _timestamp("updated_at"),
    # Per workshop 0-10, written by every completion re-evaluation (the cohort matrix reads them).
    sa.Column("cells_attended", ARRAY(sa.Boolean)),
    sa.Column("cells_share", ARRAY(sa.Float)),
    sa.Column("cells_minutes", ARRAY(sa.Float)),
    sa.Index("ix_training_participants_cohort_ruc", "cohort_id", "ruc", "participant_id"),
    sa.Index("ix_training_participants_ruc", "ruc"),
    schema=SCHEMA,
)

attendees = sa.Table(
    "attendees",
    metadata,
    sa.Column("attendee_id", UUID(as_uuid=True), primary_key=True),
    sa.Column(
        "participant_id",
        UUID(as_uuid=True),
        sa.ForeignKey(f"{SCHEMA}.participants.participant_id"),
        nullable=False,
    ),
    sa.Column("dni", sa.Text, nullable=False),
    sa.Column("full_name", sa.Text, nullable=False),
    sa.Column("job_role", sa.Text),
    sa.Column("gender", sa.Text, nullable=False, server_default="not_stated"),
    sa.Column("email", sa.Text),
    _timestamp("created_at"),
    _timestamp("updated_at"),
    sa.UniqueConstraint("participant_id", "dni", name="uq_training_attendees_participant_dni"),
    schema=SCHEMA,
)

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("session_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("cohort_id", UUID(as_uuid=True), sa.ForeignKey(f"{SCHEMA}.cohorts.cohort_id"), nullable=False),
    sa.Column("workshop_number", sa.Integer, sa.ForeignKey(f"{SCHEMA}.workshops.number"), nullable=False),
    _timestamp("starts_at"),
    sa.Column("duration_minutes", sa.Integer, nullable=False),
    sa.Column("mode", sa.Text, nullable=False),
    sa.Column("venue", sa.Text),
    sa.Column("link", sa.Text),
    sa.Column("trainer", sa.Text),
    sa.Column("capacity", sa.Integer),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("cancellation_reason", sa.Text),
    _timestamp("cancelled_at", nullable=True),
    _timestamp("created_at"),
    _timestamp("updated_at"),
    sa.Index("ix_training_sessions_cohort_start", "cohort_id", "starts_at", "session_id"),
    sa.Index("ix_training_sessions_starts", "starts_at", "session_id"),
    schema=SCHEMA,
)

attendance = sa.Table(
    "attendance",
    metadata,
    sa.Column(
        "session_id",
        UUID(as_uuid=True),
        sa.ForeignKey(f"{SCHEMA}.sessions.session_id"),
        primary_key=True,
    ),
    sa.Column(
        "attendee_id",
        UUID(as_uuid=True),
        sa.ForeignKey(f"{SCHEMA}.attendees.attendee_id"),
        primary_key=True,
    ),
    sa.Column("participant_id", UUID(as_uuid=True), nullable=False),
    sa.Column("seconds_present", sa.Integer, nullable=False),
    _timestamp("check_in", nullable=True),
    _timestamp("check_out", nullable=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("recorded_by", sa.Text, nullable=False),
    _timestamp("recorded_at"),
    sa.Index("ix_training_attendance_participant", "participant_id", "session_id"),
    schema=SCHEMA,
)

assistance = sa.Table(
    "assistance",
    metadata,
    sa.Column("assistance_id", UUID(as_uuid=True), primary_key=True),
    sa.Column(
        "participant_id",
        UUID(as_uuid=True),
        sa.ForeignKey(f"{SCHEMA}.participants.participant_id"),
        nullable=False,
    ),
    sa.Column("held_on", sa.Date, nullable=False),
    sa.Column("mode", sa.Text, nullable=False),
    sa.Column("duration_minutes", sa.Integer, nullable=False),
    sa.Column("aspects", ARRAY(sa.Text), nullable=False, server_default=sa.text("'{}'::text[]")),
    sa.Column("agreements", sa.Text),
    sa.Column("next_steps", sa.Text),
    sa.Column("next_visit_on", sa.Date),
    sa.Column("monitor_subject", sa.Text),  # null when an officer logged it for the assigned monitor
    sa.Column("monitor_name", sa.Text, nullable=False),
    sa.Column("logged_by_subject", sa.Text),
    sa.Column("logged_by_name", sa.Text),
    _timestamp("created_at"),
    sa.Index("ix_training_assistance_participant_held", "participant_id", "held_on", "assistance_id"),
    sa.Index("ix_training_assistance_held", "held_on", "assistance_id"),
    schema=SCHEMA,
)
