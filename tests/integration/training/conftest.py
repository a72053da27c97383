"""One training app per test session (real lifespan: outbox relay and Kafka consumer),
and helpers that build cohorts the way production does: from enrollment's events."""

from __future__ import annotations

import asyncio
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from services.training.db.tables import MESSAGING
from services.training.domain.identifiers import ruc_from
from services.training.main import SPEC
from shared.app import create_app
from shared.auth import Role
from shared.events.contracts.enrollment import MonitorRef, ParticipantAdmitted
from shared.settings import Settings
from tests.support.testing import TestClock, eventually, identity_headers, publish_event, running_app

API = "/api/v1/training"


def new_ruc() -> str:
    return ruc_from(f"20{random.randrange(10**8):08d}")


def new_dni() -> str:
    return f"{random.randrange(10**8):08d}"


@pytest.fixture(scope="session")
def training_settings(settings_for) -> Settings:
    return settings_for("training")


@pytest.fixture(scope="session")
def clock() -> TestClock:
    return TestClock()


@pytest.fixture(scope="session")
async def training_app(training_settings, clock):
    app = create_app(SPEC, settings=training_settings, clock=clock)
    async with running_app(app) as client:
        app.state.test_client = client
        yield app


@pytest.fixture(scope="session")
def client(training_app):
    return training_app.state.test_client


# The follow-up monitor every test company is admitted with (its login subject).
MONITOR_SUBJECT = "monitor-luis"


@pytest.fixture(scope="session")
def as_role(training_settings):
    def headers(role: Role | str, **kwargs) -> dict[str, str]:
        return identity_headers(training_settings, role, **kwargs)

    return headers


# Signed per test: a signed identity lives 600 s, and a full suite on a loaded machine lasts longer.
@pytest.fixture
def officer(as_role) -> dict[str, str]:
    return as_role(Role.promperu_officer, subject="officer-ana")


@dataclass
class CohortKit:
    """A cohort admitted through real ``enrollment.participant.admitted`` events."""

    cohort_id: uuid.UUID
    companies: list[ParticipantAdmitted] = field(default_factory=list)

    @property
    def participant_ids(self) -> list[uuid.UUID]:
        return [c.participant_id for c in self.companies]


def admitted_event(cohort_id: uuid.UUID, **overrides) -> ParticipantAdmitted:
    ruc = overrides.pop("ruc", None) or new_ruc()
    values = {
        "participant_id": uuid.uuid4(),
        "company_id": uuid.uuid4(),
        "ruc": ruc,
        "legal_name": f"Empresa {ruc} S.A.C.",
        "cohort_id": cohort_id,
        "cohort_name": f"Cohorte {str(cohort_id)[:8]}",
        "region": "Lima",
        "women_led": False,
        "monitor": MonitorRef(
            monitor_id=uuid.uuid4(),
            name="Luis Paredes",
            email="lparedes@promperu.gob.pe",
            user_subject=MONITOR_SUBJECT,
        ),
        "admitted_at": datetime.now(UTC),
    }
    return ParticipantAdmitted(**(values | overrides))


@pytest.fixture
def make_cohort(training_settings, client, officer):
    async def make(companies: int = 1, *, mandatory: list[int] | None = None) -> CohortKit:
        kit = CohortKit(cohort_id=uuid.uuid4())
        for _ in range(companies):
            event = admitted_event(kit.cohort_id)
            await asyncio.to_thread(publish_event, training_settings, event, producer="enrollment")
            kit.companies.append(event)
        await wait_participants(client, officer, kit.cohort_id, companies)
        if mandatory is not None:
            response = await client.patch(
                f"{API}/cohorts/{kit.cohort_id}/settings",
                json={"mandatory_workshops": mandatory},
                headers=officer,
            )
            assert response.status_code == 200, response.text
        return kit

    return make


async def wait_participants(client, officer, cohort_id, count: int, **filters) -> list[dict]:
    async def listed():
        response = await client.get(
            f"{API}/participants", params={"cohort_id": str(cohort_id), **filters}, headers=officer
        )
        data = response.json()["data"]
        return data if len(data) >= count else None

    return await eventually(listed, timeout=30, message=f"{count} participants of cohort {cohort_id}")


async def create_session(
    client, officer, cohort_id, workshop: int, *, day: int = 8, hour: int = 9, **extra
) -> dict:
    body = {
        "cohort_id": str(cohort_id),
        "workshop_number": workshop,
        "starts_at": f"2025-04-{day:02d}T{hour:02d}:00:00",
        "mode": "virtual",
        "link": "https://zoom.us/j/123",
        "duration_minutes": 60,
    } | extra
    response = await client.post(f"{API}/sessions", json=body, headers=officer)
    assert response.status_code == 201, response.text
    return response.json()


def report(rows: list[tuple]) -> str:
    """A Zoom-like attendance export: (name, join, leave, minutes, dni, ruc) per row."""
    lines = ["Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),DNI,RUC"]
    lines += [f"{n},,{j or ''},{lv or ''},{m if m is not None else ''},{d},{r}" for n, j, lv, m, d, r in rows]
    return "\n".join(lines) + "\n"


async def upload(client, headers, session_id, text: str, **kwargs):
    return await client.post(
        f"{API}/sessions/{session_id}/attendance/import",
        content=text.encode(),
        headers=headers | {"content-type": "text/csv"},
        **kwargs,
    )


async def outbox_events(app, topic: str, participant_id) -> list[dict]:
    """Events of ``topic`` about a participant, as committed to the outbox (oldest first)."""
    outbox = MESSAGING.outbox
    async with app.state.engine.connect() as conn:
        rows = await conn.execute(
            sa.select(outbox.c.envelope, outbox.c.published_at)
            .where(
                outbox.c.topic == topic,
                outbox.c.envelope["payload"]["participant_id"].astext == str(participant_id),
            )
            .order_by(outbox.c.id)
        )
        return [dict(r.envelope, published=r.published_at is not None) for r in rows]
