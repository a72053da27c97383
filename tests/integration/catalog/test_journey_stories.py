"""A finished transition journey (circular) becomes a draft success story in the hub, once."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import sqlalchemy as sa

from services.catalog.db.tables import MESSAGING
from services.catalog.handlers.journey_stories import story_id_for
from shared.auth import Role
from shared.events.contracts import circular
from tests.integration.catalog import events as ev
from tests.support.testing import eventually, identity_headers, publish_event, send_envelope

HUB = "/api/v1/catalog/hub"


def finished(ruc: str) -> circular.JourneyFinished:
    journey_id = uuid.uuid4()
    return circular.JourneyFinished(
        journey_id=journey_id,
        ruc=ruc,
        legal_name="Textiles del Misti S.A.C.",
        title="Secado solar",
        measure="Reemplazo del secador eléctrico por un secador solar.",
        node="arequipa",
        women_led=True,
        started_on=date(2026, 4, 15),
        finished_on=date(2026, 10, 1),
        investment=Decimal("9000.00"),
        expected_annual_savings=Decimal("3000.00"),
        mci_baseline=0.28,
        mci_after=0.41,
        figures=[
            circular.JourneyFigure(
                resource="energy",
                unit="kWh",
                baseline=Decimal(12000),
                after=Decimal(7400),
                unit_price=Decimal("0.60"),
                baseline_source=f"circular/journeys/{journey_id}#commitment",
                after_source=f"circular/journeys/{journey_id}/follow-ups/f-1",
                measured_on=date(2026, 9, 30),
            )
        ],
        finished_at=datetime(2026, 10, 1, 15, tzinfo=UTC),
    )


async def test_a_finished_journey_drafts_a_story_with_its_figures_once(client, catalog_app, catalog_settings):
    ruc = ev.new_ruc()
    event = finished(ruc)
    company = identity_headers(catalog_settings, Role.company, ruc=ruc)
    envelope = publish_event(catalog_settings, event, producer="circular")
    url = f"{HUB}/submissions/{story_id_for(event.journey_id)}"

    async def drafted():
        response = await client.get(url, headers=company)
        return response.json() if response.status_code == 200 else None

    story = await eventually(drafted, timeout=30, message="draft story from the journey")
    assert story["status"] == "draft" and story["ruc"] == ruc and story["title"] == "Secado solar"
    (energy,) = story["resources"]
    assert Decimal(energy["baseline"]) == 12000 and Decimal(energy["after"]) == 7400
    assert Decimal(story["annual_savings"]) == Decimal("2760.00")  # 4600 kWh x 0.60, the hub's arithmetic
    assert (await client.get(f"{HUB}/success-stories/{story['story_id']}")).status_code == 404  # not public

    # The company edits its draft; the event redelivered, and the journey's event sent again with a new
    # id (a replay), change nothing: one story, the company's edit kept.
    edit = await client.patch(
        url.replace("/submissions/", "/success-stories/"), json={"title": "Café solar"}, headers=company
    )
    assert edit.status_code == 200, edit.text
    send_envelope(catalog_settings, envelope, times=2)
    replay = publish_event(catalog_settings, event, producer="circular")

    async def handled():
        async with catalog_app.state.engine.connect() as conn:
            inbox = MESSAGING.inbox
            found = await conn.scalar(sa.select(sa.func.count()).where(inbox.c.event_id == replay.event_id))
        return found

    await eventually(handled, timeout=30, message="the replayed journey event handled")
    mine = (await client.get(f"{HUB}/submissions", params={"ruc": ruc}, headers=company)).json()["data"]
    assert [(s["story_id"], s["title"]) for s in mine] == [(story["story_id"], "Café solar")]
