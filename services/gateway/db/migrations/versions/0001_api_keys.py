"""API keys of partner systems (hashes only).

Revision ID: gateway_0001
Revises:
"""

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

revision = "gateway_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    from alembic import op

    op.create_table(
        "api_keys",
        sa.Column("id", sa.Text, primary_key=True, comment="the public <id> of eco_<id>_<secret>"),
        sa.Column("secret_hash", sa.Text, nullable=False, comment="sha256 hex of the secret"),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("organisation", sa.Text, nullable=False),
        sa.Column("scopes", ARRAY(sa.Text), nullable=False),
        sa.Column("rate_limit_per_minute", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.Column("revoked_by", sa.Text),
        schema="gateway",
    )
    op.create_index("ix_gateway_api_keys_listing", "api_keys", ["created_at", "id"], schema="gateway")


def downgrade() -> None:
    from alembic import op

    op.drop_table("api_keys", schema="gateway")
