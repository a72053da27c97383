"""Migrations and models agree; the seeded reference data is there."""

from __future__ import annotations

import sqlalchemy as sa

from services.catalog.db.tables import emission_factors, resources
from shared.migrations import drift


async def test_models_and_migrations_do_not_drift(catalog_settings):
    assert await drift(catalog_settings) == []


async def test_reference_data_is_seeded_by_migration(catalog_app):
    async with catalog_app.state.engine.connect() as conn:
        defaults = (
            await conn.execute(sa.select(emission_factors.c.resource).where(emission_factors.c.is_default))
        ).scalars()
        seeded = (await conn.execute(sa.select(sa.func.count()).select_from(resources))).scalar()
    assert sorted(defaults) == ["energy", "waste", "water"]
    assert seeded >= 9
