"""One audit app per session, on the real test database and Kafka (namespace ``test.``).

The app runs its real lifespan: outbox relay, Kafka consumer of enrollment's events and
the daily expiry job. Its clock follows real time unless a test pins it (and it is put
back afterwards); evidence files go to a temporary directory.
"""

from __future__ import annotations

import pytest

from services.audit.main import SPEC
from shared.app import create_app
from shared.db import create_engine, dispose_engine
from tests.support.testing import TestClock, running_app


@pytest.fixture(scope="session")
def audit_settings(settings_for, tmp_path_factory):
    return settings_for("audit", storage_dir=str(tmp_path_factory.mktemp("storage")))


@pytest.fixture(scope="session")
def clock() -> TestClock:
    return TestClock()


@pytest.fixture(scope="session")
async def audit_app(audit_settings, clock):
    app = create_app(SPEC, settings=audit_settings, clock=clock)
    async with running_app(app) as client:
        app.state.client = client
        yield app


@pytest.fixture(scope="session")
def client(audit_app):
    return audit_app.state.client


@pytest.fixture(scope="session")
async def engine(audit_settings):
    engine = create_engine(audit_settings)
    yield engine
    await dispose_engine(engine)
