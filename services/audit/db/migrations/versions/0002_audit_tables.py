"""The standard, participants read model, self-assessment, pre-audit, non-conformities,
certification bodies and audits, certificates.

Revision ID: audit_0002
Revises: audit_0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "audit_0002"
down_revision = "audit_0001"
branch_labels = None
depends_on = None

S = "audit"


def _ts(name, nullable=True):
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "standard_versions",
        sa.Column("version", sa.Text, primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("official", sa.Boolean, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("notes", sa.Text),
        sa.Column("is_current", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("aspect_count", sa.Integer, nullable=False),
        sa.Column("requirement_count", sa.Integer, nullable=False),
        sa.Column("imported_by", sa.Text, nullable=False),
        _ts("imported_at", False),
        schema=S,
    )
    op.create_index(
        "uq_standard_versions_current", "standard_versions", ["is_current"], unique=True,
        schema=S, postgresql_where=sa.text("is_current"),
    )
    op.create_table(
        "aspects",
        sa.Column("version", sa.Text, sa.ForeignKey(f"{S}.standard_versions.version", ondelete="CASCADE"), primary_key=True),
        sa.Column("code", sa.Text, primary_key=True),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("description", sa.Text),
        schema=S,
    )
    op.create_table(
        "requirements",
        sa.Column("version", sa.Text, primary_key=True),
        sa.Column("code", sa.Text, primary_key=True),
        sa.Column("aspect_code", sa.Text, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("evidence_expected", sa.Text, nullable=False),
        sa.Column("workshop", sa.SmallInteger, nullable=False),
        sa.ForeignKeyConstraint(
            ["version", "aspect_code"], [f"{S}.aspects.version", f"{S}.aspects.code"],
            name="fk_requirements_aspect", ondelete="CASCADE",
        ),
        sa.CheckConstraint("workshop BETWEEN 0 AND 10", name="ck_requirements_workshop"),
        schema=S,
    )
    op.create_index("ix_requirements_aspect", "requirements", ["version", "aspect_code", "position"], schema=S)

    op.create_table(
        "participants",
        sa.Column("participant_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("company_id", UUID(as_uuid=True)),
        sa.Column("ruc", sa.Text, nullable=False),
        sa.Column("legal_name", sa.Text, nullable=False),
        sa.Column("cohort_id", UUID(as_uuid=True)),
        sa.Column("cohort_name", sa.Text),
        sa.Column("monitor_id", UUID(as_uuid=True)),
        sa.Column("monitor_name", sa.Text),
        _ts("admitted_at"),
        _ts("withdrawn_at"),
        sa.Column("withdrawal_reason", sa.Text),
        _ts("eligible_at"),
        _ts("updated_at", False),
        schema=S,
    )
    op.create_index("ix_participants_ruc", "participants", ["ruc"], schema=S)
    op.create_index("ix_participants_monitor", "participants", ["monitor_id"], schema=S)

    op.create_table(
        "self_assessments",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("participant_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.participants.participant_id"), nullable=False),
        sa.Column("ruc", sa.Text, nullable=False),
        sa.Column("standard_version", sa.Text, sa.ForeignKey(f"{S}.standard_versions.version"), nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        _ts("created_at", False),
        _ts("updated_at", False),
        sa.UniqueConstraint("participant_id", "standard_version", name="uq_self_assessments_participant_version"),
        schema=S,
    )
    op.create_index("ix_self_assessments_ruc", "self_assessments", ["ruc", "created_at"], schema=S)
    op.create_table(
        "self_assessment_answers",
        sa.Column("assessment_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.self_assessments.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("requirement_code", sa.Text, primary_key=True),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("answered_by", sa.Text, nullable=False),
        _ts("answered_at", False),
        sa.CheckConstraint("status IN ('not_implemented', 'partial', 'implemented')", name="ck_answers_status"),
        schema=S,
    )
    op.create_table(
        "evidence_files",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("assessment_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.self_assessments.id"), nullable=False),
        sa.Column("requirement_code", sa.Text, nullable=False),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("media_type", sa.Text, nullable=False),
        sa.Column("size_bytes", sa.BigInteger, nullable=False),
        sa.Column("sha256", sa.Text, nullable=False),
        sa.Column("storage_key", sa.Text, nullable=False),
        sa.Column("uploaded_by", sa.Text, nullable=False),
        _ts("uploaded_at", False),
        sa.UniqueConstraint("assessment_id", "requirement_code", "sha256", name="uq_evidence_same_file"),
        schema=S,
    )

    op.create_table(
        "preaudits",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("participant_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.participants.participant_id"), nullable=False),
        sa.Column("ruc", sa.Text, nullable=False),
        sa.Column("standard_version", sa.Text, sa.ForeignKey(f"{S}.standard_versions.version"), nullable=False),
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
        _ts("created_at", False),
        _ts("started_at"),
        _ts("concluded_at"),
        _ts("passed_at"),
        schema=S,
    )
    op.create_index("ix_preaudits_participant", "preaudits", ["participant_id", "created_at"], schema=S)
    op.create_index("ix_preaudits_ruc", "preaudits", ["ruc", "created_at"], schema=S)
    op.create_index(
        "uq_preaudits_one_open", "preaudits", ["participant_id"], unique=True, schema=S,
        postgresql_where=sa.text("status IN ('scheduled', 'in_progress', 'failed')"),
    )
    op.create_table(
        "preaudit_results",
        sa.Column("preaudit_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.preaudits.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("requirement_code", sa.Text, primary_key=True),
        sa.Column("result", sa.Text, nullable=False),
        sa.Column("finding", sa.Text),
        _ts("recorded_at", False),
        sa.CheckConstraint(
            "result IN ('conforming', 'observation', 'minor_nonconformity', 'major_nonconformity')",
            name="ck_preaudit_results_result",
        ),
        schema=S,
    )
    op.create_table(
        "nonconformities",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("preaudit_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.preaudits.id"), nullable=False),
        sa.Column("participant_id", UUID(as_uuid=True), nullable=False),
        sa.Column("ruc", sa.Text, nullable=False),
        sa.Column("requirement_code", sa.Text, nullable=False),
        sa.Column("severity", sa.Text, nullable=False),
        sa.Column("finding", sa.Text, nullable=False),
        sa.Column("deadline", sa.Date, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        _ts("created_at", False),
        _ts("closed_at"),
        sa.UniqueConstraint("preaudit_id", "requirement_code", name="uq_nonconformities_requirement"),
        schema=S,
    )
    op.create_index(
        "ix_nonconformities_open_deadline", "nonconformities", ["deadline"], schema=S,
        postgresql_where=sa.text("status <> 'verified_closed'"),
    )
    op.create_index("ix_nonconformities_ruc", "nonconformities", ["ruc", "created_at"], schema=S)
    op.create_table(
        "corrective_actions",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("nonconformity_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.nonconformities.id"), nullable=False),
        sa.Column("root_cause", sa.Text),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("submitted_by", sa.Text, nullable=False),
        _ts("submitted_at", False),
        sa.Column("verdict", sa.Text),
        sa.Column("verified_by", sa.Text),
        sa.Column("verification_note", sa.Text),
        _ts("verified_at"),
        schema=S,
    )
    op.create_index("ix_corrective_actions_nc", "corrective_actions", ["nonconformity_id", "submitted_at"], schema=S)

    op.create_table(
        "certification_bodies",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("ruc", sa.Text, nullable=False),
        sa.Column("authorisation_number", sa.Text, nullable=False, unique=True),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("valid_to", sa.Date, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        _ts("created_at", False),
        _ts("updated_at", False),
        sa.CheckConstraint("valid_to >= valid_from", name="ck_bodies_validity"),
        schema=S,
    )
    op.create_table(
        "certification_audits",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("participant_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.participants.participant_id"), nullable=False),
        sa.Column("ruc", sa.Text, nullable=False),
        sa.Column("body_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.certification_bodies.id"), nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("renews_certificate_id", UUID(as_uuid=True)),
        sa.Column("standard_version", sa.Text, sa.ForeignKey(f"{S}.standard_versions.version"), nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("requested_by", sa.Text, nullable=False),
        _ts("requested_at", False),
        sa.Column("payment_reference", sa.Text),
        sa.Column("fee_pen", sa.Numeric(12, 2)),
        sa.Column("paid_on", sa.Date),
        sa.Column("audit_date", sa.Date),
        sa.Column("decision_note", sa.Text),
        sa.Column("decided_by", sa.Text),
        _ts("decided_at"),
        schema=S,
    )
    op.create_index("ix_certification_audits_ruc", "certification_audits", ["ruc", "requested_at"], schema=S)
    op.create_index("ix_certification_audits_body", "certification_audits", ["body_id", "requested_at"], schema=S)
    op.create_index(
        "uq_certification_audits_one_open", "certification_audits", ["participant_id"], unique=True, schema=S,
        postgresql_where=sa.text("status IN ('requested', 'scheduled')"),
    )
    op.create_table(
        "certificates",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("number", sa.Text, nullable=False, unique=True),
        sa.Column("certification_audit_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.certification_audits.id"), nullable=False, unique=True),
        sa.Column("participant_id", UUID(as_uuid=True), nullable=False),
        sa.Column("company_id", UUID(as_uuid=True)),
        sa.Column("ruc", sa.Text, nullable=False),
        sa.Column("holder_name", sa.Text, nullable=False),
        sa.Column("body_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.certification_bodies.id"), nullable=False),
        sa.Column("standard_version", sa.Text, nullable=False),
        sa.Column("issued_on", sa.Date, nullable=False),
        sa.Column("expires_on", sa.Date, nullable=False),
        sa.Column("mark_use_until", sa.Date, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("status_reason", sa.Text),
        _ts("status_changed_at"),
        sa.Column("supersedes_id", UUID(as_uuid=True)),
        _ts("created_at", False),
        schema=S,
    )
    op.create_index(
        "ix_certificates_expiring", "certificates", ["expires_on"], schema=S,
        postgresql_where=sa.text("status IN ('active', 'suspended')"),
    )
    op.create_index("ix_certificates_ruc", "certificates", ["ruc", "issued_on"], schema=S)
    op.execute(sa.schema.CreateSequence(sa.Sequence("certificate_number_seq", schema=S)))
    op.create_table(
        "certificate_history",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("certificate_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.certificates.id"), nullable=False),
        sa.Column("from_status", sa.Text),
        sa.Column("to_status", sa.Text, nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("changed_by", sa.Text, nullable=False),
        _ts("changed_at", False),
        schema=S,
    )
    op.create_index("ix_certificate_history_certificate", "certificate_history", ["certificate_id", "id"], schema=S)


def downgrade() -> None:
    for table in (
        "certificate_history", "certificates", "certification_audits", "certification_bodies",
        "corrective_actions", "nonconformities", "preaudit_results", "preaudits",
        "evidence_files", "self_assessment_answers", "self_assessments", "participants",
        "requirements", "aspects", "standard_versions",
    ):
        op.drop_table(table, schema=S)
    op.execute(sa.schema.DropSequence(sa.Sequence("certificate_number_seq", schema=S)))
