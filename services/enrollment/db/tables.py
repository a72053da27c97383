"""Tables of schema ``enrollment``. Every table names the schema explicitly.

Core tables on SQLModel's metadata: the handlers work with rows and pure domain
dataclasses, and the CSV import loads ``companies`` with COPY, which wants plain columns.
"""

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlmodel import SQLModel

from shared.events.tables import messaging_tables

SCHEMA = "enrollment"
MESSAGING = messaging_tables(SCHEMA)
metadata = SQLModel.metadata


def _timestamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    ]


uit_values = sa.Table(
    "uit_values",
    metadata,
    sa.Column("fiscal_year", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("amount_pen", sa.Numeric(10, 2), nullable=False),
    sa.Column("legal_source", sa.Text, nullable=False),
    schema=SCHEMA,
)

companies = sa.Table(
    "companies",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("ruc", sa.String(11), nullable=False, unique=True),
    sa.Column("legal_name", sa.Text, nullable=False),
    sa.Column("trade_name", sa.Text),
    sa.Column("legal_rep_name", sa.Text, nullable=False),
    sa.Column("legal_rep_dni", sa.String(8), nullable=False),
    sa.Column("founded_on", sa.Date, nullable=False),
    sa.Column("registry_entry", sa.Text),
    sa.Column("ruc_status", sa.Text, nullable=False, server_default="active"),
    sa.Column("region", sa.Text, nullable=False),
    sa.Column("ciiu_code", sa.String(4)),
    sa.Column("annual_sales_pen", sa.Numeric(16, 2), nullable=False),
    sa.Column("sales_fiscal_year", sa.Integer, nullable=False),
    sa.Column("size_class", sa.Text, nullable=False),
    sa.Column("size_uit_year", sa.Integer, nullable=False),
    sa.Column("size_note", sa.Text),
    sa.Column("women_led", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("phone", sa.Text),
    sa.Column("email", sa.Text),
    sa.Column("website", sa.Text),
    sa.Column("direct_exports", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("export_markets", ARRAY(sa.Text), nullable=False, server_default="{}"),
    sa.Column("own_production", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("products", ARRAY(sa.Text), nullable=False, server_default="{}"),
    sa.Column("promperu_accounts_pending", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("promperu_accounts_note", sa.Text),
    sa.Column("promperu_accounts_checked_at", sa.DateTime(timezone=True)),
    sa.Column("registered_by", sa.Text),
    *_timestamps(),
    sa.Index("ix_enrollment_companies_legal_name", "legal_name", "id"),
    sa.Index("ix_enrollment_companies_created", "created_at", "id"),
    sa.Index("ix_enrollment_companies_region", "region"),
    schema=SCHEMA,
)

company_sites = sa.Table(
    "company_sites",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column(
        "company_id",
        UUID(as_uuid=True),
        sa.ForeignKey(f"{SCHEMA}.companies.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("address", sa.Text, nullable=False),
    sa.Column("region", sa.Text, nullable=False),
    sa.Column("in_scope", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("licence_number", sa.Text),
    sa.Column("licence_expires_on", sa.Date),
    sa.Column("indeci_number", sa.Text),
    sa.Column("indeci_expires_on", sa.Date),
    *_timestamps(),
    sa.Index("ix_enrollment_company_sites_company", "company_id"),
    schema=SCHEMA,
)

cohorts = sa.Table(
    "cohorts",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("name", sa.Text, nullable=False, unique=True),
    sa.Column("capacity", sa.Integer, nullable=False),
    sa.Column("applications_open_on", sa.Date, nullable=False),
    sa.Column("applications_close_on", sa.Date, nullable=False),
    sa.Column("preaudit_on", sa.Date),
    sa.Column("certification_audit_on", sa.Date),
    *_timestamps(),
    schema=SCHEMA,
)

monitors = sa.Table(
    "monitors",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("email", sa.Text, nullable=False, unique=True),
    sa.Column("user_subject", sa.Text, unique=True),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    *_timestamps(),
    schema=SCHEMA,
)

applications = sa.Table(
    "applications",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("company_id", UUID(as_uuid=True), sa.ForeignKey(f"{SCHEMA}.companies.id"), nullable=False),
    sa.Column("cohort_id", UUID(as_uuid=True), sa.ForeignKey(f"{SCHEMA}.cohorts.id"), nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("sworn_accepted_by_subject", sa.Text),
    sa.Column("sworn_accepted_by_name", sa.Text),
    sa.Column("sworn_accepted_by_dni", sa.String(8)),
    sa.Column("sworn_accepted_at", sa.DateTime(timezone=True)),
    sa.Column("submitted_at", sa.DateTime(timezone=True)),
    sa.Column("evaluated_at", sa.DateTime(timezone=True)),
    sa.Column("eligibility_report", JSONB),
    sa.Column("decided_at", sa.DateTime(timezone=True)),
    sa.Column("decision_reason", sa.Text),
    sa.Column("admitted_at", sa.DateTime(timezone=True)),
    sa.Column("commitment_issued_at", sa.DateTime(timezone=True)),
    sa.Column("commitment_signed_at", sa.DateTime(timezone=True)),
    sa.Column("signed_by_name", sa.Text),
    sa.Column("signed_by_dni", sa.String(8)),
    sa.Column("activated_at", sa.DateTime(timezone=True)),
    sa.Column("withdrawn_at", sa.DateTime(timezone=True)),
    sa.Column("withdrawal_reason", sa.Text),
    sa.Column("completed_at", sa.DateTime(timezone=True)),
    sa.Column("training_completed_at", sa.DateTime(timezone=True)),
    sa.Column("training_revoked_at", sa.DateTime(timezone=True)),
    sa.Column("preaudit_passed_at", sa.DateTime(timezone=True)),
    sa.Column("certification_eligible_at", sa.DateTime(timezone=True)),
    sa.Column("created_by", sa.Text),
    *_timestamps(),
    sa.UniqueConstraint("company_id", "cohort_id", name="uq_enrollment_applications_company_cohort"),
    sa.Index("ix_enrollment_applications_cohort_status", "cohort_id", "status"),
    sa.Index("ix_enrollment_applications_created", "created_at", "id"),
    schema=SCHEMA,
)

application_transitions = sa.Table(
    "application_transitions",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column(
        "application_id",
        UUID(as_uuid=True),
        sa.ForeignKey(f"{SCHEMA}.applications.id"),
        nullable=False,
    ),
    sa.Column("from_status", sa.Text),
    sa.Column("to_status", sa.Text, nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("by_subject", sa.Text),
    sa.Column("reason", sa.Text),
    sa.Index("ix_enrollment_application_transitions_application", "application_id", "id"),
    schema=SCHEMA,
)

monitor_assignments = sa.Table(
    "monitor_assignments",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column(
        "application_id",
        UUID(as_uuid=True),
        sa.ForeignKey(f"{SCHEMA}.applications.id"),
        nullable=False,
    ),
    sa.Column("monitor_id", UUID(as_uuid=True), sa.ForeignKey(f"{SCHEMA}.monitors.id"), nullable=False),
    sa.Column("from_on", sa.Date, nullable=False),
    sa.Column("to_on", sa.Date),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("assigned_by", sa.Text),
    sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_enrollment_monitor_assignments_application", "application_id", "from_on"),
    sa.Index(
        "uq_enrollment_monitor_assignments_open",
        "application_id",
        unique=True,
        postgresql_where=sa.text("to_on IS NULL"),
    ),
    sa.Index(
        "ix_enrollment_monitor_assignments_monitor_open",
        "monitor_id",
        postgresql_where=sa.text("to_on IS NULL"),
    ),
    schema=SCHEMA,
)
