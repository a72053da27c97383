"""Models and migrations never diverge, and the draft standard is seeded by migration."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import SQLModel

from shared.migrations import _only_schema, load_models


async def drift_outside_default_schema(settings) -> list:
    """``shared.migrations.drift`` with the session's search_path set to ``public``.

    The service roles default to their own schema (``ALTER ROLE ... SET search_path``),
    and Alembic reports the default schema as None, which the kernel's schema filter then
    drops: the kernel's drift sees no table at all. Connecting with ``search_path=public``
    makes ``audit`` a named schema like any other. (Reported to the lead for shared/.)
    """
    load_models(settings.service)
    include_object, include_name = _only_schema(settings.schema)
    engine = create_async_engine(
        settings.database_url, connect_args={"server_settings": {"search_path": "public"}}
    )
    try:
        async with engine.connect() as conn:

            def compare(sync_conn: sa.Connection) -> list:
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
                return compare_metadata(ctx, SQLModel.metadata)

            return await conn.run_sync(compare)
    finally:
        await engine.dispose()


async def test_models_and_migrations_are_in_step(audit_settings):
    assert await drift_outside_default_schema(audit_settings) == []


async def test_the_drift_check_would_see_a_difference(audit_settings):
    extra = sa.Table(
        "drift_probe", SQLModel.metadata, sa.Column("id", sa.Integer, primary_key=True), schema="audit"
    )
    try:
        diffs = await drift_outside_default_schema(audit_settings)
    finally:
        SQLModel.metadata.remove(extra)
    assert [d[0] for d in diffs] == ["add_table"]


async def test_the_draft_standard_is_seeded_and_current(engine):
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                sa.text(
                    "SELECT official, is_current, aspect_count, requirement_count, "
                    "(SELECT count(*) FROM audit.requirements WHERE version = '0-draft') AS stored "
                    "FROM audit.standard_versions WHERE version = '0-draft'"
                )
            )
        ).one()
    assert (row.official, row.aspect_count, row.requirement_count, row.stored) == (False, 8, 112, 112)
