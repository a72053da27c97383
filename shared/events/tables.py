"""Per-schema messaging tables: the outbox, the inbox and idempotency keys.

Each service owns a copy in its own schema; its first migration creates them with
:func:`create_messaging_tables`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlmodel import SQLModel


@dataclass(frozen=True)
class MessagingTables:
    outbox: sa.Table
    inbox: sa.Table
    idempotency: sa.Table


_CACHE: dict[str, MessagingTables] = {}


def _columns_outbox() -> list[sa.Column[Any]]:
    return [
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("event_id", UUID(as_uuid=True), nullable=False, unique=True),
        sa.Column("topic", sa.Text, nullable=False),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("envelope", JSONB, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("published_at", sa.DateTime(timezone=True)),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text),
    ]


def _columns_inbox() -> list[sa.Column[Any]]:
    return [
        sa.Column("consumer_group", sa.Text, primary_key=True),
        sa.Column("event_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("topic", sa.Text, nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    ]


def _columns_idempotency() -> list[sa.Column[Any]]:
    return [
        sa.Column("scope", sa.Text, primary_key=True),
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("fingerprint", sa.Text, nullable=False),
        sa.Column("status_code", sa.Integer, nullable=False),
        sa.Column("body", JSONB, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    ]


def messaging_tables(schema: str, metadata: sa.MetaData | None = None) -> MessagingTables:
    """The messaging tables of ``schema``, registered once on the (global) metadata."""
    if schema in _CACHE:
        return _CACHE[schema]
    md = metadata if metadata is not None else SQLModel.metadata
    outbox = sa.Table(
        "outbox",
        md,
        *_columns_outbox(),
        sa.Index(f"ix_{schema}_outbox_pending", "id", postgresql_where=sa.text("published_at IS NULL")),
        schema=schema,
    )
    inbox = sa.Table("inbox", md, *_columns_inbox(), schema=schema)
    idempotency = sa.Table("idempotency_keys", md, *_columns_idempotency(), schema=schema)
    _CACHE[schema] = MessagingTables(outbox, inbox, idempotency)
    return _CACHE[schema]


def create_messaging_tables(op: Any, schema: str) -> None:
    """For a service's first migration: the same DDL as :func:`messaging_tables`."""
    op.create_table("outbox", *_columns_outbox(), schema=schema)
    op.create_index(
        f"ix_{schema}_outbox_pending",
        "outbox",
        ["id"],
        schema=schema,
        postgresql_where=sa.text("published_at IS NULL"),
    )
    op.create_table("inbox", *_columns_inbox(), schema=schema)
    op.create_table("idempotency_keys", *_columns_idempotency(), schema=schema)


def outbox_channel(schema: str) -> str:
    """The LISTEN/NOTIFY channel that wakes the relay as soon as an event commits."""
    return f"{schema}_outbox"
