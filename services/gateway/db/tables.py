"""Tables of schema ``gateway``: the partner systems' API keys (hashes only).

No outbox: the gateway publishes no events, so its unit of work is a plain transaction.
"""

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import SQLModel

SCHEMA = "gateway"

api_keys = sa.Table(
    "api_keys",
    SQLModel.metadata,
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
    sa.Index("ix_gateway_api_keys_listing", "created_at", "id"),
    schema=SCHEMA,
)
