"""Session-wide fixtures: real Postgres and Kafka, brought up by ``make test``.

Tests use the ``ecoeficiencia_test`` database and the ``test.`` Kafka namespace
(topics and consumer groups), so a running ``make run`` platform is left alone.
"""

from __future__ import annotations

import asyncio
import os

import pytest

from shared.events.kafka import create_topics
from shared.migrations import upgrade
from shared.settings import DB_SCHEMAS, Settings

# The real-browser fixtures (headless Chromium through Selenium): tests/support/browser.py.
pytest_plugins = ["tests.support.browser"]

TEST_DATABASE = os.environ.get("ECO_TEST_DATABASE", "ecoeficiencia_test")
TEST_NAMESPACE = "test."


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that stop the shared Kafka broker run last, so nothing else sees the outage; the
    fault drills (which also stop Postgres and kill processes) after them, at the very end."""
    items.sort(
        key=lambda item: (
            item.get_closest_marker("drill") is not None,
            item.get_closest_marker("kafka_outage") is not None,
        )
    )


@pytest.fixture(scope="session")
def base_settings() -> Settings:
    return Settings(
        env="test",
        pg_database=TEST_DATABASE,
        kafka_namespace=TEST_NAMESPACE,
        outbox_poll_seconds=0.2,
        consumer_max_attempts=3,
    )


@pytest.fixture(scope="session")
def platform_ready(base_settings: Settings) -> Settings:
    """Topics exist and every schema (the services' and the gateway's) is migrated (both idempotent)."""
    create_topics(base_settings)
    for schema in DB_SCHEMAS:
        asyncio.run(upgrade(base_settings.for_service(schema)))
    return base_settings


@pytest.fixture(scope="session")
def settings_for(platform_ready: Settings):
    def make(service: str, **overrides: object) -> Settings:
        return platform_ready.for_service(service, **overrides)

    return make
