"""Read model of the public catalogue and the programme indicators, plus the search functions.

Revision ID: catalog_0002
Revises: catalog_0001

``public.unaccent`` is STABLE (it depends on a dictionary looked up at run time), so it
cannot appear in generated columns or index expressions; the standard recipe is an
IMMUTABLE SQL wrapper naming the dictionary explicitly. ``catalog.search_text`` folds
a document (two texts and a word list) the same way queries are folded.
"""

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR, UUID

revision = "catalog_0002"
down_revision = "catalog_0001"
branch_labels = None
depends_on = None

S = "catalog"
CATALOGUE_TEXT = "catalog.search_text(legal_name, trade_name, products)"

FUNCTIONS = (
    """CREATE OR REPLACE FUNCTION catalog.fold(value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, value)) $$""",
    """CREATE OR REPLACE FUNCTION catalog.search_text(first text, second text, words text[]) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT catalog.fold(concat_ws(' ', first, second, array_to_string(words, ' '))) $$""",
)


def _ts(name, **kw):
    return sa.Column(name, sa.DateTime(timezone=True), **kw)


def upgrade() -> None:
    from alembic import op

    for statement in FUNCTIONS:
        op.execute(statement)
    op.create_table(
        "companies",
        sa.Column("ruc", sa.Text, primary_key=True),
        sa.Column("company_id", UUID(as_uuid=True)),
        sa.Column("legal_name", sa.Text),
        sa.Column("trade_name", sa.Text),
        sa.Column("region", sa.Text),
        sa.Column("ciiu_code", sa.Text),
        sa.Column("size_class", sa.Text),
        sa.Column("women_led", sa.Boolean),
        sa.Column("website", sa.Text),
        sa.Column("products", ARRAY(sa.Text), nullable=False, server_default="{}"),
        sa.Column("founded_on", sa.Date),
        _ts("snapshot_at"),
        sa.Column("snapshot_event_id", UUID(as_uuid=True)),
        _ts("registered_at"),
        schema=S,
    )
    op.create_table(
        "certificates",
        sa.Column("certificate_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("certificate_number", sa.Text, nullable=False),
        sa.Column("ruc", sa.Text, nullable=False),
        sa.Column("participant_id", UUID(as_uuid=True)),
        sa.Column("holder_name", sa.Text),
        sa.Column("body_name", sa.Text),
        sa.Column("standard_version", sa.Text),
        sa.Column("issued_on", sa.Date),
        sa.Column("expires_on", sa.Date),
        _ts("suspended_at"),
        _ts("withdrawn_at"),
        sa.Column("expired_on", sa.Date),
        sa.Column("status", sa.Text),
        schema=S,
    )
    op.create_index("ux_catalog_certificates_number", "certificates", ["certificate_number"], unique=True, schema=S)
    op.create_index("ix_catalog_certificates_ruc", "certificates", ["ruc"], schema=S)
    op.create_index("ix_catalog_certificates_participant", "certificates", ["participant_id"], schema=S)

    op.create_table(
        "organisations",
        sa.Column("ruc", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("legal_name", sa.Text),
        sa.Column("trade_name", sa.Text),
        sa.Column("region", sa.Text),
        sa.Column("ciiu_code", sa.Text),
        sa.Column("size_class", sa.Text),
        sa.Column("women_led", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("website", sa.Text),
        sa.Column("products", ARRAY(sa.Text), nullable=False, server_default="{}"),
        sa.Column("certificate_number", sa.Text, nullable=False),
        sa.Column("certificate_status", sa.Text, nullable=False),
        sa.Column("issued_on", sa.Date, nullable=False),
        sa.Column("expires_on", sa.Date, nullable=False),
        sa.Column("body_name", sa.Text),
        sa.Column("sort_key", sa.Text, sa.Computed("catalog.fold(name)", persisted=True)),
        sa.Column("region_key", sa.Text, sa.Computed("catalog.fold(region)", persisted=True)),
        sa.Column("search_text", sa.Text, sa.Computed(CATALOGUE_TEXT, persisted=True)),
        sa.Column(
            "search_vector",
            TSVECTOR,
            sa.Computed(f"to_tsvector('spanish'::regconfig, {CATALOGUE_TEXT})", persisted=True),
        ),
        schema=S,
        # Parallel workers cost more to start than the catalogue's statements take.
        postgresql_with={"parallel_workers": 0},
    )
    # Covering: the catalogue's name-ordered walks read only these indexes (db/catalogue.py).
    op.create_index(
        "ix_catalog_organisations_status_sort",
        "organisations",
        ["certificate_status", "sort_key", "ruc"],
        postgresql_include=["expires_on", "region_key", "ciiu_code", "size_class", "women_led", "search_vector"],
        schema=S,
    )
    op.create_index(
        "ix_catalog_organisations_region_sort",
        "organisations",
        ["region_key", "certificate_status", "sort_key", "ruc"],
        postgresql_include=["expires_on", "ciiu_code", "size_class", "women_led", "search_vector"],
        schema=S,
    )
    op.create_index(
        "ix_catalog_organisations_search", "organisations", ["search_vector"], postgresql_using="gin", schema=S
    )
    op.create_index(
        "ix_catalog_organisations_trgm",
        "organisations",
        ["search_text"],
        postgresql_using="gin",
        postgresql_ops={"search_text": "gin_trgm_ops"},
        schema=S,
    )

    op.create_table(
        "participants",
        sa.Column("participant_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("ruc", sa.Text, nullable=False),
        sa.Column("company_id", UUID(as_uuid=True)),
        sa.Column("cohort_id", UUID(as_uuid=True)),
        sa.Column("cohort_name", sa.Text),
        sa.Column("region", sa.Text),
        sa.Column("women_led", sa.Boolean),
        _ts("admitted_at"),
        _ts("completed_at"),
        _ts("completion_revoked_at"),
        _ts("preaudit_passed_at"),
        schema=S,
    )
    op.create_index("ix_catalog_participants_ruc", "participants", ["ruc"], schema=S)


def downgrade() -> None:
    from alembic import op

    for table in ("participants", "organisations", "certificates", "companies"):
        op.drop_table(table, schema=S)
    op.execute("DROP FUNCTION IF EXISTS catalog.search_text(text, text, text[])")
    op.execute("DROP FUNCTION IF EXISTS catalog.fold(text)")
