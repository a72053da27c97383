"""Companies, sites, cohorts, applications, monitors, and the UIT reference values.

Revision ID: enrollment_0002
Revises: enrollment_0001
"""

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

revision = "enrollment_0002"
down_revision = "enrollment_0001"
branch_labels = None
depends_on = None

S = "enrollment"

# UIT per fiscal year with the supreme decree that set it (versioned reference data:
# a new year is a new migration row, never an edit of an old one).
UIT_VALUES = [
    (2020, "4300.00", "D.S. 380-2019-EF"),
    (2021, "4400.00", "D.S. 392-2020-EF"),
    (2022, "4600.00", "D.S. 398-2021-EF"),
    (2023, "4950.00", "D.S. 309-2022-EF"),
    (2024, "5150.00", "D.S. 309-2023-EF"),
    (2025, "5350.00", "D.S. 260-2024-EF"),
]


def _timestamps():
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    ]


def upgrade() -> None:
    from alembic import op

    uit = op.create_table(
        "uit_values",
        sa.Column("fiscal_year", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("amount_pen", sa.Numeric(10, 2), nullable=False),
        sa.Column("legal_source", sa.Text, nullable=False),
        schema=S,
    )
    op.bulk_insert(
        uit, [{"fiscal_year": y, "amount_pen": a, "legal_source": src} for y, a, src in UIT_VALUES]
    )

    op.create_table(
        "companies",
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
        schema=S,
    )
    op.create_index("ix_enrollment_companies_legal_name", "companies", ["legal_name", "id"], schema=S)
    op.create_index("ix_enrollment_companies_created", "companies", ["created_at", "id"], schema=S)
    op.create_index("ix_enrollment_companies_region", "companies", ["region"], schema=S)

    op.create_table(
        "company_sites",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column(
            "company_id",
            UUID(as_uuid=True),
            sa.ForeignKey(f"{S}.companies.id", ondelete="CASCADE"),
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
        schema=S,
    )
    op.create_index("ix_enrollment_company_sites_company", "company_sites", ["company_id"], schema=S)

    op.create_table(
        "cohorts",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("applications_open_on", sa.Date, nullable=False),
        sa.Column("applications_close_on", sa.Date, nullable=False),
        sa.Column("preaudit_on", sa.Date),
        sa.Column("certification_audit_on", sa.Date),
        *_timestamps(),
        schema=S,
    )

    op.create_table(
        "monitors",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("email", sa.Text, nullable=False, unique=True),
        sa.Column("user_subject", sa.Text, unique=True),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        *_timestamps(),
        schema=S,
    )

    op.create_table(
        "applications",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("company_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.companies.id"), nullable=False),
        sa.Column("cohort_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.cohorts.id"), nullable=False),
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
        schema=S,
    )
    op.create_index(
        "ix_enrollment_applications_cohort_status", "applications", ["cohort_id", "status"], schema=S
    )
    op.create_index("ix_enrollment_applications_created", "applications", ["created_at", "id"], schema=S)

    op.create_table(
        "application_transitions",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column(
            "application_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.applications.id"), nullable=False
        ),
        sa.Column("from_status", sa.Text),
        sa.Column("to_status", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by_subject", sa.Text),
        sa.Column("reason", sa.Text),
        schema=S,
    )
    op.create_index(
        "ix_enrollment_application_transitions_application",
        "application_transitions",
        ["application_id", "id"],
        schema=S,
    )

    op.create_table(
        "monitor_assignments",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column(
            "application_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.applications.id"), nullable=False
        ),
        sa.Column("monitor_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.monitors.id"), nullable=False),
        sa.Column("from_on", sa.Date, nullable=False),
        sa.Column("to_on", sa.Date),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("assigned_by", sa.Text),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        schema=S,
    )
    op.create_index(
        "ix_enrollment_monitor_assignments_application",
        "monitor_assignments",
        ["application_id", "from_on"],
        schema=S,
    )
    op.create_index(
        "uq_enrollment_monitor_assignments_open",
        "monitor_assignments",
        ["application_id"],
        unique=True,
        schema=S,
        postgresql_where=sa.text("to_on IS NULL"),
    )
    op.create_index(
        "ix_enrollment_monitor_assignments_monitor_open",
        "monitor_assignments",
        ["monitor_id"],
        schema=S,
        postgresql_where=sa.text("to_on IS NULL"),
    )


def downgrade() -> None:
    from alembic import op

    for table in (
        "monitor_assignments",
        "application_transitions",
        "applications",
        "monitors",
        "cohorts",
        "company_sites",
        "companies",
        "uit_values",
    ):
        op.drop_table(table, schema=S)
