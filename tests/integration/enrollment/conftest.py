"""One enrollment app per session (real lifespan: outbox relay and consumers), real PG and Kafka."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.enrollment.main import SPEC
from shared.app import create_app
from shared.clock import FixedClock
from shared.testing import running_app
from tests.integration.enrollment.helpers import Api


@pytest.fixture(scope="session")
def enrollment_settings(settings_for):
    return settings_for("enrollment")


@pytest.fixture(scope="session")
def clock() -> FixedClock:
    """Stands at the real time; a test may move it, and ``moved_clock`` puts it back."""
    return FixedClock(datetime.now(UTC))


@pytest.fixture
def moved_clock(clock: FixedClock):
    start = clock.offset
    yield clock
    clock.offset = start


@pytest.fixture(scope="session")
async def client(enrollment_settings, clock):
    app = create_app(SPEC, settings=enrollment_settings, clock=clock)
    async with running_app(app) as http:
        http.app = app
        yield http


@pytest.fixture
def api(client, enrollment_settings, clock) -> Api:
    return Api(client, enrollment_settings, clock)
