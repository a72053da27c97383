"""One enrollment app per session (real lifespan: outbox relay and consumers), real PG and Kafka."""

from __future__ import annotations

import pytest

from services.enrollment.main import SPEC
from shared.app import create_app
from tests.integration.enrollment.helpers import Api
from tests.support.testing import TestClock, running_app


@pytest.fixture(scope="session")
def enrollment_settings(settings_for):
    return settings_for("enrollment")


@pytest.fixture(scope="session")
def clock() -> TestClock:
    """Real time; a test may move it (it is put back after every test)."""
    return TestClock()


@pytest.fixture
def moved_clock(clock: TestClock) -> TestClock:
    """The app's clock, for a test that moves it (says so in its signature)."""
    return clock


@pytest.fixture(scope="session")
async def client(enrollment_settings, clock):
    app = create_app(SPEC, settings=enrollment_settings, clock=clock)
    async with running_app(app) as http:
        http.app = app
        yield http


@pytest.fixture
def api(client, enrollment_settings, clock) -> Api:
    return Api(client, enrollment_settings, clock)
