"""One circular app per test session (real lifespan: outbox relay, Kafka consumer, retention job)
on the test database, and callers' identities as the gateway would forward them."""

from __future__ import annotations

import pytest

from services.circular.main import create_app
from shared.auth import Role
from shared.settings import Settings
from tests.support.testing import TestClock, identity_headers, running_app

API = "/api/v1/circular"


@pytest.fixture(scope="session")
def circular_settings(settings_for) -> Settings:
    return settings_for("circular")


@pytest.fixture(scope="session")
def circular_clock() -> TestClock:
    return TestClock()


@pytest.fixture(scope="session")
async def circular_app(circular_settings, circular_clock):
    app = create_app(circular_settings, clock=circular_clock)
    async with running_app(app) as client:
        app.state.test_client = client
        yield app


@pytest.fixture(scope="session")
def client(circular_app):
    return circular_app.state.test_client


@pytest.fixture(scope="session")
def as_role(circular_settings):
    def headers(role: Role | str, **kwargs) -> dict[str, str]:
        return identity_headers(circular_settings, role, **kwargs)

    return headers


@pytest.fixture(scope="session")
def officer(as_role) -> dict[str, str]:
    return as_role(Role.promperu_officer, subject="officer-circular")


def new_ruc(prefix: str = "20") -> str:
    import random

    from shared.ruc import make_ruc

    return make_ruc(prefix, f"{random.randrange(10**8):08d}")


def xlsx(rows: list[list[object]]) -> bytes:
    """An .xlsx workbook whose first sheet holds ``rows`` (as organisers' spreadsheets do)."""
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def make_activity(client, officer):
    async def make(headers: dict[str, str] | None = None, **overrides) -> dict:
        body = {
            "kind": "talk",
            "title": "Charla: economía circular en la manufactura",
            "held_on": "2024-03-05",
            "node": "arequipa",
            "organiser_kind": "node",
            "organiser": "Nodo Arequipa",
        } | overrides
        response = await client.post(f"{API}/activities", json=body, headers=headers or officer)
        assert response.status_code == 201, response.text
        return response.json()

    return make
