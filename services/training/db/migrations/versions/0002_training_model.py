"""Training model: curriculum (seeded), cohorts, participants, attendees, sessions,
attendance and technical assistance.

Revision ID: training_0002
Revises: training_0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

revision = "training_0002"
down_revision = "training_0001"
branch_labels = None
depends_on = None

SCHEMA = "training"
CURRICULUM_VERSION = "bpe-2024"

# Annex "Cronograma de actividades" of the PROMPERU programme document. None: the
# document gives no duration; each cohort sets it.
CURRICULUM = [
    (0, "Charla introductoria", "Introductory talk", 60),
    (
        1,
        "Transferencia metodológica de las Buenas Prácticas de Ecoeficiencia",
        "Methodology transfer of the Good Eco-efficiency Practices",
        120,
    ),
    (2, "Análisis de ciclo de vida y huellas ambientales", "Life-cycle analysis and environmental footprints", 120),
    (3, "Economía circular", "Circular economy", 120),
    (4, "Eficiencia energética", "Energy efficiency", 120),
    (
        5,
        "Eficiencia de recursos y producción más limpia (RECP)",
        "Resource efficiency and cleaner production (RECP)",
        None,
    ),
    (
        6,
        "Gestión de mantenimiento de maquinarias, equipos e infraestructura",
        "Maintenance management of machinery, equipment and infrastructure",
        None,
    ),
    (
        7,
        "IPERC: identificación de peligros, evaluación de riesgos y medidas de control",
        "IPERC: hazard identification, risk assessment and control",
        120,
    ),
    (
        8,
        "Presentación de casos de éxito: cálculo económico y redacción de casos de éxito",
        "Success cases: economic calculation and write-up",
        150,
    ),
    (9, "Auditorías internas y revisión por la dirección", "Internal audits and management review", 120),
    (10, "Marketing verde", "Green marketing", None),
]


def _ts(name, nullable=False):
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    workshops = op.create_table(
        "workshops",
        sa.Column("number", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("code", sa.Text, nullable=False),
        sa.Column("title_es", sa.Text, nullable=False),
        sa.Column("title_en", sa.Text, nullable=False),
        sa.Column("duration_minutes", sa.Integer),
        sa.Column("curriculum_version", sa.Text, nullable=False),
        schema=SCHEMA,
    )
    op.bulk_insert(
        workshops,
        [
            {
                "number": number,
                "code": f"T{number}",
                "title_es": title_es,
                "title_en": title_en,
                "duration_minutes": minutes,
                "curriculum_version": CURRICULUM_VERSION,
            }
            for number, title_es, title_en, minutes in CURRICULUM
        ],
    )
    op.create_table(
        "cohorts",
        sa.Column("cohort_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("cohort_name", sa.Text, nullable=False),
        sa.Column("mandatory_workshops", ARRAY(sa.Integer), nullable=False),
        sa.Column("min_attendance_share", sa.Numeric(4, 3), nullable=False),
        sa.Column("workshop_durations", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        _ts("created_at"),
        _ts("updated_at"),
        sa.Column("updated_by", sa.Text),
        schema=SCHEMA,
    )
    op.create_table(
        "participants",
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
        sa.Column("status", sa.Text, nullable=False),
        _ts("admitted_at", True),
        _ts("withdrawn_at", True),
        sa.Column("withdrawal_reason", sa.Text),
        sa.Column("completion_state", sa.Text, nullable=False, server_default="in_progress"),
        _ts("completed_at", True),
        _ts("completion_changed_at", True),
        _ts("updated_at"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_training_participants_cohort_ruc", "participants", ["cohort_id", "ruc", "participant_id"], schema=SCHEMA
    )
    op.create_index("ix_training_participants_ruc", "participants", ["ruc"], schema=SCHEMA)
    op.create_table(
        "attendees",
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
        _ts("created_at"),
        _ts("updated_at"),
        sa.UniqueConstraint("participant_id", "dni", name="uq_training_attendees_participant_dni"),
        schema=SCHEMA,
    )
    op.create_table(
        "sessions",
        sa.Column("session_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("cohort_id", UUID(as_uuid=True), sa.ForeignKey(f"{SCHEMA}.cohorts.cohort_id"), nullable=False),
        sa.Column("workshop_number", sa.Integer, sa.ForeignKey(f"{SCHEMA}.workshops.number"), nullable=False),
        _ts("starts_at"),
        sa.Column("duration_minutes", sa.Integer, nullable=False),
        sa.Column("mode", sa.Text, nullable=False),
        sa.Column("venue", sa.Text),
        sa.Column("link", sa.Text),
        sa.Column("trainer", sa.Text),
        sa.Column("capacity", sa.Integer),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("cancellation_reason", sa.Text),
        _ts("cancelled_at", True),
        _ts("created_at"),
        _ts("updated_at"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_training_sessions_cohort_start", "sessions", ["cohort_id", "starts_at", "session_id"], schema=SCHEMA
    )
    op.create_index("ix_training_sessions_starts", "sessions", ["starts_at", "session_id"], schema=SCHEMA)
    op.create_table(
        "attendance",
        sa.Column(
            "session_id", UUID(as_uuid=True), sa.ForeignKey(f"{SCHEMA}.sessions.session_id"), primary_key=True
        ),
        sa.Column(
            "attendee_id", UUID(as_uuid=True), sa.ForeignKey(f"{SCHEMA}.attendees.attendee_id"), primary_key=True
        ),
        sa.Column("participant_id", UUID(as_uuid=True), nullable=False),
        sa.Column("seconds_present", sa.Integer, nullable=False),
        _ts("check_in", True),
        _ts("check_out", True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("recorded_by", sa.Text, nullable=False),
        _ts("recorded_at"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_training_attendance_participant", "attendance", ["participant_id", "session_id"], schema=SCHEMA
    )
    op.create_table(
        "assistance",
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
        sa.Column("monitor_subject", sa.Text, nullable=False),
        sa.Column("monitor_name", sa.Text, nullable=False),
        _ts("created_at"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_training_assistance_participant_held",
        "assistance",
        ["participant_id", "held_on", "assistance_id"],
        schema=SCHEMA,
    )
    op.create_index("ix_training_assistance_held", "assistance", ["held_on", "assistance_id"], schema=SCHEMA)


def downgrade() -> None:
    for table in ("assistance", "attendance", "sessions", "attendees", "participants", "cohorts", "workshops"):
        op.drop_table(table, schema=SCHEMA)
