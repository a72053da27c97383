"""Tables of schema ``circular``. Every table names the schema explicitly.

* ``companies``: every company the circular-economy programme has met, by RUC (registered in
  PROMPERÚ's programme or not), with what the sheets say of it (size, manufacturing, women-led);
* ``activities``: sensitisation activities (talk, workshop, fair, micro-course cohort) held by a node
  or a partner, with their methodology;
* ``activity_companies``: which companies attended an activity (what "sensitised" counts);
* ``attendees``: the people at an activity (name, gender, role): personal data, kept here only;
* ``trainings`` / ``trainees``: specialists and public officials trained in a methodology, and
  their certificates of attendance.

The transition journeys (``journeys``, ...) are added by their own migrations; the indicators read
``journeys.company_ruc`` and ``journeys.started_on``.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlmodel import SQLModel

from shared.events.tables import messaging_tables

SCHEMA = "circular"
MESSAGING = messaging_tables(SCHEMA)
metadata = SQLModel.metadata


def _ts(name: str, *, nullable: bool = True) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


companies = sa.Table(
    "companies",
    metadata,
    sa.Column("ruc", sa.Text, primary_key=True),
    sa.Column("legal_name", sa.Text),
    sa.Column("size", sa.Text, comment="micro | small | medium | large; null: not stated"),
    sa.Column("manufacturing", sa.Boolean, comment="null: not stated"),
    sa.Column("women_led", sa.Boolean, comment="null: not stated"),
    _ts("created_at", nullable=False),
    _ts("updated_at", nullable=False),
    schema=SCHEMA,
)

activities = sa.Table(
    "activities",
    metadata,
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
    sa.Index("activities_held_on_idx", "held_on", "id"),
    schema=SCHEMA,
)

activity_companies = sa.Table(
    "activity_companies",
    metadata,
    sa.Column(
        "activity_id",
        UUID(as_uuid=True),
        sa.ForeignKey(f"{SCHEMA}.activities.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("ruc", sa.Text, sa.ForeignKey(f"{SCHEMA}.companies.ruc"), primary_key=True),
    _ts("created_at", nullable=False),
    sa.Index("activity_companies_ruc_idx", "ruc"),
    schema=SCHEMA,
)

attendees = sa.Table(
    "attendees",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column(
        "activity_id",
        UUID(as_uuid=True),
        sa.ForeignKey(f"{SCHEMA}.activities.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("person_key", sa.Text, nullable=False, comment="folded name + RUC: one row per person"),
    sa.Column("full_name", sa.Text, nullable=False),
    sa.Column("gender", sa.Text, nullable=False),
    sa.Column("role", sa.Text),
    sa.Column("ruc", sa.Text, sa.ForeignKey(f"{SCHEMA}.companies.ruc")),
    _ts("created_at", nullable=False),
    sa.UniqueConstraint("activity_id", "person_key", name="attendees_activity_person_key"),
    schema=SCHEMA,
)

trainings = sa.Table(
    "trainings",
    metadata,
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
    schema=SCHEMA,
)

trainees = sa.Table(
    "trainees",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column(
        "training_id",
        UUID(as_uuid=True),
        sa.ForeignKey(f"{SCHEMA}.trainings.id", ondelete="CASCADE"),
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
    schema=SCHEMA,
)


# --- the WhatsApp micro-course (h8) ------------------------------------------------------------
# A learner is known by a keyed hash of the WhatsApp number (domain/phones.py): the number itself
# is never stored. ``enrolled_on``/``completed_on`` are the Lima dates of the facts (indicators).

microcourse_learners = sa.Table(
    "microcourse_learners",
    metadata,
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
    sa.Index("microcourse_learners_enrolled_idx", "enrolled_on", "id"),
    schema=SCHEMA,
)

# Every provider message seen, by its id (webhook-id): a replay finds its row and changes nothing.
microcourse_messages = sa.Table(
    "microcourse_messages",
    metadata,
    sa.Column("message_id", sa.Text, primary_key=True),
    sa.Column("type", sa.Text, nullable=False),
    sa.Column("outcome", sa.Text, nullable=False, comment="applied | ignored"),
    sa.Column("learner_id", UUID(as_uuid=True), sa.ForeignKey(f"{SCHEMA}.microcourse_learners.id")),
    sa.Column("body_sha256", sa.Text, nullable=False),
    _ts("occurred_at"),
    _ts("received_at", nullable=False),
    schema=SCHEMA,
)

# --- transition journeys (h8) -------------------------------------------------------------------
# ``started_on`` is the day the company committed to the measure with its baseline: the
# indicators count "started the transition" (and women-led among them) from it.

journeys = sa.Table(
    "journeys",
    metadata,
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
    # The MCI baseline: the calculator's inputs and every figure it computed (shared/mci.py).
    sa.Column("mci_inputs", JSONB, nullable=False),
    sa.Column("mci_result", JSONB, nullable=False),
    sa.Column("mci_baseline", sa.Float, nullable=False),
    # resource -> {baseline, expected, unit_price} (decimals as strings: never rounded through floats)
    sa.Column("commitment", JSONB, nullable=False),
    sa.Column("investment", sa.Numeric(14, 2), nullable=False),
    sa.Column("expected_annual_savings", sa.Numeric(14, 2), nullable=False),
    sa.Column("finished_on", sa.Date),
    sa.Column("abandoned_on", sa.Date),
    sa.Column("abandon_reason", sa.Text),
    sa.Column("created_by", sa.Text, nullable=False),
    _ts("created_at", nullable=False),
    _ts("updated_at", nullable=False),
    sa.Index("journeys_started_idx", "started_on", "id"),
    sa.Index("journeys_ruc_idx", "company_ruc"),
    schema=SCHEMA,
)

journey_follow_ups = sa.Table(
    "journey_follow_ups",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column(
        "journey_id",
        UUID(as_uuid=True),
        sa.ForeignKey(f"{SCHEMA}.journeys.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("measured_on", sa.Date, nullable=False),
    # resource -> yearly quantity measured after the measure (decimal as string)
    sa.Column("measured", JSONB, nullable=False),
    sa.Column("mci_inputs", JSONB),
    sa.Column("mci", sa.Float),
    sa.Column("note", sa.Text),
    sa.Column("recorded_by", sa.Text, nullable=False),
    _ts("recorded_at", nullable=False),
    sa.Index("journey_follow_ups_journey_idx", "journey_id", "recorded_at"),
    schema=SCHEMA,
)
