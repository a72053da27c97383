"""One catalog app per session, with its real lifespan (relay + Kafka consumer).

The catalog consumes in its own Kafka namespace (``test.catalog.``): the rebuild test
replays *every* event of the consumed topics and compares the result with the live read
model, so those topics must hold only what these tests publish, not the events other
services' test suites produce at the same time in ``test.``.
"""

from __future__ import annotations

import pytest

from services.catalog.main import SPEC
from shared.app import create_app
from shared.events.kafka import create_topics
from shared.settings import Settings
from tests.support.testing import TestClock, eventually, running_app

NAMESPACE = "test.catalog."


@pytest.fixture(scope="session")
def catalog_settings(settings_for) -> Settings:
    settings = settings_for("catalog", kafka_namespace=NAMESPACE)
    create_topics(settings)
    return settings


@pytest.fixture(scope="session")
def clock() -> TestClock:
    """Real time, movable (``clock.advance``) for expiry; put back after every test."""
    return TestClock()


@pytest.fixture(scope="session")
async def catalog_app(catalog_settings, clock):
    app = create_app(SPEC, settings=catalog_settings, clock=clock)
    async with running_app(app) as client:
        await eventually(app.state.consumer.assigned.is_set, timeout=60, message="catalog consumer assigned")
        app.state.client = client
        yield app


@pytest.fixture
def client(catalog_app):
    return catalog_app.state.client
