"""Models and migrations never diverge, and the draft standard is seeded by migration."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import SQLModel

from shared.migrations import drift


async def test_models_and_migrations_are_in_step(audit_settings):
    assert await drift(audit_settings) == []


async def test_the_drift_check_would_see_a_difference(audit_settings):
    extra = sa.Table(
        "drift_probe", SQLModel.metadata, sa.Column("id", sa.Integer, primary_key=True), schema="audit"
    )
    try:
        diffs = await drift(audit_settings)
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
