"""Tables of schema ``audit``. Every table names the schema explicitly.

Core tables on SQLModel's global metadata: the service reads and writes them with
set-based statements (a pre-audit's 112 results in one INSERT), which the ORM would
only slow down. Status columns hold the values of ``domain.lifecycles``.
"""

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlmodel import SQLModel

from shared.events.tables import messaging_tables

SCHEMA = "audit"
MESSAGING = messaging_tables(SCHEMA)
md = SQLModel.metadata


def _created_at() -> sa.Column:
    return sa.Column("created_at", sa.DateTime(timezone=True), nullable=False)


# --- the standard, as versioned data -------------------------------------------------------
standard_versions = sa.Table(
    "standard_versions",
    md,
    sa.Column("version", sa.Text, primary_key=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("official", sa.Boolean, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("notes", sa.Text),
    sa.Column("is_current", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("aspect_count", sa.Integer, nullable=False),
    sa.Column("requirement_count", sa.Integer, nullable=False),
    sa.Column("imported_by", sa.Text, nullable=False),
    sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    # Official only by an admin's recorded approval, with the counts the version declares.
    sa.Column("official_approved_by", sa.Text),
    sa.Column("official_approved_at", sa.DateTime(timezone=True)),
    sa.Column("official_reason", sa.Text),
    sa.Column("declared_aspect_count", sa.Integer),
    sa.Column("declared_requirement_count", sa.Integer),
    sa.Index(
        "uq_standard_versions_current", "is_current", unique=True, postgresql_where=sa.text("is_current")
    ),
    schema=SCHEMA,
)

aspects = sa.Table(
    "aspects",
    md,
    sa.Column(
        "version",
        sa.Text,
        sa.ForeignKey(f"{SCHEMA}.standard_versions.version", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("code", sa.Text, primary_key=True),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("description", sa.Text),
    schema=SCHEMA,
)

requirements = sa.Table(
    "requirements",
    md,
    sa.Column("version", sa.Text, primary_key=True),
    sa.Column("code", sa.Text, primary_key=True),
    sa.Column("aspect_code", sa.Text, nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("evidence_expected", sa.Text, nullable=False),
    sa.Column("workshop", sa.SmallInteger, nullable=False),
    sa.ForeignKeyConstraint(
        ["version", "aspect_code"],
        [f"{SCHEMA}.aspects.version", f"{SCHEMA}.aspects.code"],
        name="fk_requirements_aspect",
        ondelete="CASCADE",
    ),
    sa.CheckConstraint("workshop BETWEEN 0 AND 10", name="ck_requirements_workshop"),
    sa.Index("ix_requirements_aspect", "version", "aspect_code", "position"),
    schema=SCHEMA,
)

# --- participants: local read model of enrollment's events ---------------------------------
participants = sa.Table(
    "participants",
    md,
    sa.Column("participant_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("company_id", UUID(as_uuid=True)),
    sa.Column("ruc", sa.Text, nullable=False),
    sa.Column("legal_name", sa.Text, nullable=False),
    sa.Column("cohort_id", UUID(as_uuid=True)),
    sa.Column("cohort_name", sa.Text),
    sa.Column("monitor_id", UUID(as_uuid=True)),
    sa.Column("monitor_name", sa.Text),
    sa.Column("monitor_subject", sa.Text),
    sa.Column("monitor_assigned_at", sa.DateTime(timezone=True)),
    sa.Column("admitted_at", sa.DateTime(timezone=True)),
    sa.Column("withdrawn_at", sa.DateTime(timezone=True)),
    sa.Column("withdrawal_reason", sa.Text),
    sa.Column("eligible_at", sa.DateTime(timezone=True)),
    # From training.program.completed / completion_revoked: the newer event wins.
    sa.Column("training_completed_at", sa.DateTime(timezone=True)),
    sa.Column("training_changed_at", sa.DateTime(timezone=True)),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_participants_ruc", "ruc"),
    sa.Index("ix_participants_monitor", "monitor_id"),
    schema=SCHEMA,
)

# --- self-assessment -------------------------------------------------------------------------
self_assessments = sa.Table(
    "self_assessments",
    md,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column(
        "participant_id",
        UUID(as_uuid=True),
        sa.ForeignKey(f"{SCHEMA}.participants.participant_id"),
        nullable=False,
    ),
    sa.Column("ruc", sa.Text, nullable=False),
    sa.Column(
        "standard_version", sa.Text, sa.ForeignKey(f"{SCHEMA}.standard_versions.version"), nullable=False
    ),
    sa.Column("created_by", sa.Text, nullable=False),
    _created_at(),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("participant_id", "standard_version", name="uq_self_assessments_participant_version"),
    sa.Index("ix_self_assessments_ruc", "ruc", "created_at"),
    schema=SCHEMA,
)

self_assessment_answers = sa.Table(
    "self_assessment_answers",
    md,
    sa.Column(
        "assessment_id",
        UUID(as_uuid=True),
        sa.ForeignKey(f"{SCHEMA}.self_assessments.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("requirement_code", sa.Text, primary_key=True),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("answered_by", sa.Text, nullable=False),
    sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('not_implemented', 'partial', 'implemented')", name="ck_answers_status"),
    schema=SCHEMA,
)

evidence_files = sa.Table(
    "evidence_files",
    md,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column(
        "assessment_id", UUID(as_uuid=True), sa.ForeignKey(f"{SCHEMA}.self_assessments.id"), nullable=False
    ),
    sa.Column("requirement_code", sa.Text, nullable=False),
    sa.Column("file_name", sa.Text, nullable=False),
    sa.Column("media_type", sa.Text, nullable=False),
    sa.Column("size_bytes", sa.BigInteger, nullable=False),
    sa.Column("sha256", sa.Text, nullable=False),
    sa.Column("storage_key", sa.Text, nullable=False),
    sa.Column("uploaded_by", sa.Text, nullable=False),
    sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("assessment_id", "requirement_code", "sha256", name="uq_evidence_same_file"),
    schema=SCHEMA,
)

# --- pre-audit (internal audit by PROMPERÚ) ---------------------------------------------------
preaudits = sa.Table(
    "preaudits",
    md,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column(
        "participant_id",
        UUID(as_uuid=True),
        sa.ForeignKey(f"{SCHEMA}.participants.participant_id"),
        nullable=False,
    ),
    sa.Column("ruc", sa.Text, nullable=False),
    sa.Column(
        "standard_version", sa.Text, sa.ForeignKey(f"{SCHEMA}.standard_versions.version"), nullable=False
    ),
    sa.Column("auditor", sa.Text, nullable=False),
    sa.Column("auditor_name", sa.Text),
    sa.Column("audit_date", sa.Date, nullable=False),
    sa.Column("remediation_days", sa.Integer, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("remediation_deadline", sa.Date),
    sa.Column("conforming", sa.Integer),
    sa.Column("observations", sa.Integer),
    sa.Column("minor", sa.Integer),
    sa.Column("major", sa.Integer),
    _created_at(),
    sa.Column("started_at", sa.DateTime(timezone=True)),
    sa.Column("concluded_at", sa.DateTime(timezone=True)),
    sa.Column("passed_at", sa.DateTime(timezone=True)),
    # An officer's recorded decision to hold the pre-audit before training / assistance.
    sa.Column("order_override_by", sa.Text),
    sa.Column("order_override_reason", sa.Text),
    sa.Column("order_override_at", sa.DateTime(timezone=True)),
    sa.Index("ix_preaudits_participant", "participant_id", "created_at"),
    sa.Index("ix_preaudits_ruc", "ruc", "created_at"),
    sa.Index(
        "uq_preaudits_one_open",
        "participant_id",
        unique=True,
        postgresql_where=sa.text("status IN ('scheduled', 'in_progress', 'failed')"),
    ),
    schema=SCHEMA,
)

preaudit_results = sa.Table(
    "preaudit_results",
    md,
    sa.Column(
        "preaudit_id",
        UUID(as_uuid=True),
        sa.ForeignKey(f"{SCHEMA}.preaudits.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("requirement_code", sa.Text, primary_key=True),
    sa.Column("result", sa.Text, nullable=False),
    sa.Column("finding", sa.Text),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint(
        "result IN ('conforming', 'observation', 'minor_nonconformity', 'major_nonconformity')",
        name="ck_preaudit_results_result",
    ),
    schema=SCHEMA,
)

nonconformities = sa.Table(
    "nonconformities",
    md,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("preaudit_id", UUID(as_uuid=True), sa.ForeignKey(f"{SCHEMA}.preaudits.id"), nullable=False),
    sa.Column("participant_id", UUID(as_uuid=True), nullable=False),
    sa.Column("ruc", sa.Text, nullable=False),
    sa.Column("requirement_code", sa.Text, nullable=False),
    sa.Column("severity", sa.Text, nullable=False),
    sa.Column("finding", sa.Text, nullable=False),
    sa.Column("deadline", sa.Date, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    _created_at(),
    sa.Column("closed_at", sa.DateTime(timezone=True)),
    sa.UniqueConstraint("preaudit_id", "requirement_code", name="uq_nonconformities_requirement"),
    sa.Index(
        "ix_nonconformities_open_deadline",
        "deadline",
        postgresql_where=sa.text("status <> 'verified_closed'"),
    ),
    sa.Index("ix_nonconformities_ruc", "ruc", "created_at"),
    schema=SCHEMA,
)

corrective_actions = sa.Table(
    "corrective_actions",
    md,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column(
        "nonconformity_id", UUID(as_uuid=True), sa.ForeignKey(f"{SCHEMA}.nonconformities.id"), nullable=False
    ),
    sa.Column("root_cause", sa.Text),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("submitted_by", sa.Text, nullable=False),
    sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("verdict", sa.Text),
    sa.Column("verified_by", sa.Text),
    sa.Column("verification_note", sa.Text),
    sa.Column("verified_at", sa.DateTime(timezone=True)),
    sa.Index("ix_corrective_actions_nc", "nonconformity_id", "submitted_at"),
    schema=SCHEMA,
)

# --- certification bodies, certification audits, certificates ---------------------------------
certification_bodies = sa.Table(
    "certification_bodies",
    md,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("ruc", sa.Text, nullable=False),
    sa.Column("authorisation_number", sa.Text, nullable=False, unique=True),
    sa.Column("valid_from", sa.Date, nullable=False),
    sa.Column("valid_to", sa.Date, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    _created_at(),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("valid_to >= valid_from", name="ck_bodies_validity"),
    schema=SCHEMA,
)

certification_audits = sa.Table(
    "certification_audits",
    md,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column(
        "participant_id",
        UUID(as_uuid=True),
        sa.ForeignKey(f"{SCHEMA}.participants.participant_id"),
        nullable=False,
    ),
    sa.Column("ruc", sa.Text, nullable=False),
    sa.Column(
        "body_id", UUID(as_uuid=True), sa.ForeignKey(f"{SCHEMA}.certification_bodies.id"), nullable=False
    ),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("renews_certificate_id", UUID(as_uuid=True)),
    sa.Column(
        "standard_version", sa.Text, sa.ForeignKey(f"{SCHEMA}.standard_versions.version"), nullable=False
    ),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("requested_by", sa.Text, nullable=False),
    sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("payment_reference", sa.Text),
    sa.Column("fee_pen", sa.Numeric(12, 2)),
    sa.Column("paid_on", sa.Date),
    sa.Column("audit_date", sa.Date),
    sa.Column("decision_note", sa.Text),
    sa.Column("decided_by", sa.Text),
    sa.Column("decided_at", sa.DateTime(timezone=True)),
    sa.Index("ix_certification_audits_ruc", "ruc", "requested_at"),
    sa.Index("ix_certification_audits_body", "body_id", "requested_at"),
    sa.Index(
        "uq_certification_audits_one_open",
        "participant_id",
        unique=True,
        postgresql_where=sa.text("status IN ('requested', 'scheduled')"),
    ),
    schema=SCHEMA,
)

certificates = sa.Table(
    "certificates",
    md,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("number", sa.Text, nullable=False, unique=True),
    sa.Column(
        "certification_audit_id",
        UUID(as_uuid=True),
        sa.ForeignKey(f"{SCHEMA}.certification_audits.id"),
        nullable=False,
        unique=True,
    ),
    sa.Column("participant_id", UUID(as_uuid=True), nullable=False),
    sa.Column("company_id", UUID(as_uuid=True)),
    sa.Column("ruc", sa.Text, nullable=False),
    sa.Column("holder_name", sa.Text, nullable=False),
    sa.Column(
        "body_id", UUID(as_uuid=True), sa.ForeignKey(f"{SCHEMA}.certification_bodies.id"), nullable=False
    ),
    sa.Column("standard_version", sa.Text, nullable=False),
    sa.Column("issued_on", sa.Date, nullable=False),
    sa.Column("expires_on", sa.Date, nullable=False),
    sa.Column("mark_use_until", sa.Date, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("status_reason", sa.Text),
    sa.Column("status_changed_at", sa.DateTime(timezone=True)),
    sa.Column("supersedes_id", UUID(as_uuid=True)),
    _created_at(),
    sa.Index(
        "ix_certificates_expiring",
        "expires_on",
        postgresql_where=sa.text("status IN ('active', 'suspended')"),
    ),
    sa.Index("ix_certificates_ruc", "ruc", "issued_on"),
    schema=SCHEMA,
)

certificate_number_seq = sa.Sequence("certificate_number_seq", schema=SCHEMA, metadata=md)

# Remembers every status change of a certificate with who and why: suspension and
# withdrawal must be explainable long after the fact.
certificate_history = sa.Table(
    "certificate_history",
    md,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column(
        "certificate_id", UUID(as_uuid=True), sa.ForeignKey(f"{SCHEMA}.certificates.id"), nullable=False
    ),
    sa.Column("from_status", sa.Text),
    sa.Column("to_status", sa.Text, nullable=False),
    sa.Column("reason", sa.Text),
    sa.Column("changed_by", sa.Text, nullable=False),
    sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    # "transition" (the lifecycle) or "correction" (an admin's reasoned fix of a wrong one).
    sa.Column("kind", sa.Text, nullable=False, server_default="transition"),
    sa.Index("ix_certificate_history_certificate", "certificate_id", "id"),
    schema=SCHEMA,
)

# Technical-assistance visits heard from training.assistance.logged (one row per visit).
assistance_visits = sa.Table(
    "assistance_visits",
    md,
    sa.Column("assistance_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("participant_id", UUID(as_uuid=True), nullable=False),
    sa.Column("held_on", sa.Date, nullable=False),
    sa.Column("monitor_name", sa.Text),
    sa.Column("aspects", ARRAY(sa.Text), nullable=False, server_default=sa.text("'{}'::text[]")),
    sa.Index("ix_assistance_visits_participant", "participant_id"),
    schema=SCHEMA,
)

# The right to use the mark: its own record, granted with the certificate and then
# suspended / reinstated / withdrawn on its own (GOTS and Fairtrade keep them apart).
mark_licences = sa.Table(
    "mark_licences",
    md,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column(
        "certificate_id",
        UUID(as_uuid=True),
        sa.ForeignKey(f"{SCHEMA}.certificates.id"),
        nullable=False,
        unique=True,
    ),
    sa.Column("certificate_number", sa.Text, nullable=False),
    sa.Column("ruc", sa.Text, nullable=False),
    sa.Column("granted_on", sa.Date, nullable=False),
    sa.Column("valid_until", sa.Date, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("status_reason", sa.Text),
    sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("status_changed_by", sa.Text, nullable=False),
    schema=SCHEMA,
)

mark_licence_history = sa.Table(
    "mark_licence_history",
    md,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("licence_id", UUID(as_uuid=True), sa.ForeignKey(f"{SCHEMA}.mark_licences.id"), nullable=False),
    sa.Column("from_status", sa.Text),
    sa.Column("to_status", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False, server_default="transition"),
    sa.Column("changed_by", sa.Text, nullable=False),
    sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_mark_licence_history_licence", "licence_id", "id"),
    schema=SCHEMA,
)
