"""The migrated schema and the table models never diverge."""

from shared.migrations import drift


async def test_models_and_migrations_are_in_step(settings_for):
    assert await drift(settings_for("enrollment")) == []
