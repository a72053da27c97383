"""Database plumbing: one async engine per service, bound to that service's role.

Every table names its schema explicitly (SQLModel keeps one global metadata), and the
engine's role can only reach its own schema, so a query that strays fails loudly.
"""

from __future__ import annotations

import sqlalchemy.ext.asyncio
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.settings import Settings


def create_engine(settings: Settings, *, url: str | None = None) -> AsyncEngine:
    # Looked up at call time so telemetry's wrapper (installed at start-up) applies.
    return sqlalchemy.ext.asyncio.create_async_engine(
        url or settings.database_url,
        pool_size=settings.pg_pool_size,
        max_overflow=settings.pg_max_overflow,
        pool_pre_ping=False,
        connect_args={
            "server_settings": {"application_name": f"eco-{settings.service}"},
            # Prepared statements per connection: the hot reads reuse them.
            "statement_cache_size": 256,
        },
    )


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False, autoflush=False)
