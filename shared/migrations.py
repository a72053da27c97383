"""Alembic, once per service schema, run as a start-up step (``shared.cli migrate``).

Each service keeps its own history in ``services/<name>/db/migrations`` and its own
version table inside its schema; ``include_object`` limits autogenerate to that schema
so one service never sees (or drops) another's tables.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import sqlalchemy.ext.asyncio
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from shared.db import create_engine
from shared.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def _only_schema(schema: str) -> tuple[Callable[..., bool], Callable[..., bool]]:
    def include_object(obj: Any, name: str, type_: str, reflected: bool, compare_to: Any) -> bool:
        if type_ == "table":
            return bool(obj.schema == schema)
        table = getattr(obj, "table", None)
        return table is None or table.schema == schema

    def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
        return name == schema if type_ == "schema" else True

    return include_object, include_name


def load_models(service: str) -> None:
    """Import a service's table module so its tables join the global metadata."""
    importlib.import_module(f"services.{service}.db.tables")


def run_migrations(schema: str) -> None:
    """Body of every service's ``env.py`` (online mode on the connection we pass in)."""
    from alembic import context

    load_models(schema)
    include_object, include_name = _only_schema(schema)
    context.configure(
        connection=context.config.attributes["connection"],
        target_metadata=SQLModel.metadata,
        version_table_schema=schema,
        include_schemas=True,
        include_object=include_object,
        include_name=include_name,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def alembic_config(service: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "services" / service / "db" / "migrations"))
    return cfg


async def upgrade(settings: Settings, revision: str = "head") -> None:
    """Migrate one service's schema as its own role, serialised by an advisory lock."""
    engine = create_engine(settings)
    cfg = alembic_config(settings.service)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(f"migrate:{settings.schema}")))
            )

            def _run(sync_conn: sa.Connection) -> None:
                cfg.attributes["connection"] = sync_conn
                command.upgrade(cfg, revision)

            await conn.run_sync(_run)
    finally:
        await engine.dispose()


async def drift(settings: Settings) -> list[Any]:
    """Differences between the migrated schema and the models: empty when in step."""
    load_models(settings.service)
    include_object, include_name = _only_schema(settings.schema)
    # The role's search_path starts with its own schema, which reflection would then
    # report unnamed (and the filter drop): compare from a session whose default is public.
    engine = sqlalchemy.ext.asyncio.create_async_engine(
        settings.database_url, connect_args={"server_settings": {"search_path": "public"}}
    )
    try:
        async with engine.connect() as conn:

            def _compare(sync_conn: sa.Connection) -> list[Any]:
                ctx = MigrationContext.configure(
                    sync_conn,
                    opts={
                        "include_schemas": True,
                        "include_object": include_object,
                        "include_name": include_name,
                        "compare_type": True,
                        "version_table_schema": settings.schema,
                    },
                )
                diffs: list[Any] = compare_metadata(ctx, SQLModel.metadata)
                return diffs

            return await conn.run_sync(_compare)
    finally:
        await engine.dispose()
