"""Transition journeys through the API: commit with an MCI baseline, follow up, finish (the event
the hub drafts a story from, figures traced), abandon; who may see what."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

import pytest

from shared.auth import Role
from shared.mci import MciInput, material_circularity
from shared.ruc import complete_ruc
from tests.integration.circular.conftest import API
from tests.support.testing import TopicReader

MCI = {
    "recycled_feedstock": 0.1,
    "reused_feedstock": 0,
    "collected_for_recycling": 0.2,
    "collected_for_reuse": 0,
    "feedstock_recycling_efficiency": 0.8,
    "collection_recycling_efficiency": 0.8,
    "lifetime": 5,
    "average_lifetime": 5,
}


def new_ruc() -> str:
    return complete_ruc("20" + "".join(random.choices("0123456789", k=8)))


def commitment(ruc: str, **changes) -> dict:
    return {
        "company_ruc": ruc,
        "company_name": "Textiles del Misti S.A.C.",
        "women_led": True,
        "node": "arequipa",
        "title": "Secado solar",
        "measure": "Reemplazo del secador eléctrico por un secador solar con respaldo.",
        "methodology": "ecocanvas",
        "mci": MCI,
        "resources": {
            "energy": {"baseline": 12000, "expected": 7000, "unit_price": "0.60"},
            "water": {"baseline": 800, "expected": 650, "unit_price": "5.20"},
        },
        "investment": 9000,
    } | changes


@pytest.fixture(scope="module")
def finished_topic(circular_settings):
    reader = TopicReader(circular_settings, "circular.journey.finished")
    yield reader
    reader.close()


async def test_a_company_starts_is_followed_up_and_finishes_with_a_story_event(
    client, officer, circular_clock, finished_topic
):
    ruc = new_ruc()
    today = circular_clock.today()
    start = today - timedelta(days=200)
    response = await client.post(
        f"{API}/journeys", json=commitment(ruc, started_on=start.isoformat()), headers=officer
    )
    assert response.status_code == 201, response.text
    journey = response.json()
    assert journey["status"] == "committed" and journey["started_on"] == start.isoformat()
    assert journey["mci_baseline"] == pytest.approx(material_circularity(MciInput(**MCI)).mci)
    assert Decimal(journey["expected_annual_savings"]) == Decimal("3780.00")  # 5000 x 0.60 + 150 x 5.20
    jid = journey["id"]

    finish_early = await client.post(f"{API}/journeys/{jid}/finish", json={}, headers=officer)
    assert finish_early.status_code == 409 and finish_early.json()["allowed_transitions"] == [
        "abandon",
        "follow_up",
    ]

    first = {"measured_on": (start + timedelta(days=60)).isoformat(), "measured": {"energy": 9000}}
    later = {
        "measured_on": (start + timedelta(days=150)).isoformat(),
        "measured": {"energy": 7400, "water": 700},
        "mci": MCI | {"recycled_feedstock": 0.4},
        "note": "secador solar operando",
    }
    assert (
        await client.post(f"{API}/journeys/{jid}/follow-ups", json=first, headers=officer)
    ).status_code == 201
    followed = await client.post(f"{API}/journeys/{jid}/follow-ups", json=later, headers=officer)
    assert followed.status_code == 201 and followed.json()["status"] == "following_up"
    assert followed.json()["mci_latest"] > journey["mci_baseline"]

    done = await client.post(f"{API}/journeys/{jid}/finish", json={}, headers=officer)
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["status"] == "finished" and body["finished_on"] == today.isoformat()
    figures = {f["resource"]: f for f in body["story_figures"]}
    later_id = body["follow_ups"][1]["id"]
    assert Decimal(figures["energy"]["baseline"]) == 12000 and Decimal(figures["energy"]["after"]) == 7400
    assert figures["energy"]["after_source"] == f"circular/journeys/{jid}/follow-ups/{later_id}"
    assert figures["water"]["baseline_source"] == f"circular/journeys/{jid}#commitment"

    (envelope,) = await finished_topic.wait_for(lambda e: e["payload"]["journey_id"] == jid)
    payload = envelope["payload"]
    assert envelope["key"] == ruc and envelope["schema_version"] == 1
    assert payload["women_led"] is True and payload["node"] == "arequipa"
    assert {f["resource"]: (Decimal(f["baseline"]), Decimal(f["after"])) for f in payload["figures"]} == {
        "energy": (Decimal(12000), Decimal(7400)),
        "water": (Decimal(800), Decimal(700)),
    }
    assert {f["after_source"] for f in payload["figures"]} == {
        f"circular/journeys/{jid}/follow-ups/{later_id}"
    }

    again = await client.post(f"{API}/journeys/{jid}/follow-ups", json=first, headers=officer)
    assert again.status_code == 409 and again.json()["allowed_transitions"] == []


async def test_an_abandoned_journey_ends_and_still_started_the_transition(client, officer):
    ruc = new_ruc()
    jid = (await client.post(f"{API}/journeys", json=commitment(ruc), headers=officer)).json()["id"]
    missing_reason = await client.post(f"{API}/journeys/{jid}/abandon", json={}, headers=officer)
    assert missing_reason.status_code == 422
    gone = await client.post(
        f"{API}/journeys/{jid}/abandon", json={"reason": "cerró la planta"}, headers=officer
    )
    assert gone.status_code == 200 and gone.json()["status"] == "abandoned"
    listed = (await client.get(f"{API}/journeys", params={"ruc": ruc}, headers=officer)).json()["data"]
    assert [j["id"] for j in listed] == [jid]


@pytest.mark.parametrize(
    "changes, rule",
    [
        ({"company_ruc": "20100070971"}, "ruc.check_digit"),
        ({"mci": MCI | {"recycled_feedstock": 0.8, "reused_feedstock": 0.5}}, "mci.feedstock_over_one"),
        ({"started_on": "2999-01-01"}, "journey.future_date"),
    ],
)
async def test_a_commitment_that_breaks_a_rule_is_a_422_naming_it(client, officer, changes, rule):
    response = await client.post(f"{API}/journeys", json=commitment(new_ruc()) | changes, headers=officer)
    assert response.status_code == 422 and response.json()["rule"] == rule


async def test_a_follow_up_measures_only_committed_resources_after_the_start(client, officer, circular_clock):
    jid = (await client.post(f"{API}/journeys", json=commitment(new_ruc()), headers=officer)).json()["id"]
    today = circular_clock.today().isoformat()
    other = await client.post(
        f"{API}/journeys/{jid}/follow-ups",
        json={"measured_on": today, "measured": {"waste": 10}},
        headers=officer,
    )
    assert other.status_code == 422 and other.json()["rule"] == "journey.resource_not_committed"
    before = (circular_clock.today() - timedelta(days=1)).isoformat()
    early = await client.post(
        f"{API}/journeys/{jid}/follow-ups",
        json={"measured_on": before, "measured": {"energy": 10}},
        headers=officer,
    )
    assert early.status_code == 422 and early.json()["rule"] == "journey.before_start"


async def test_a_company_sees_its_own_journeys_only_and_writes_none(client, officer, as_role):
    mine, theirs = new_ruc(), new_ruc()
    own = (await client.post(f"{API}/journeys", json=commitment(mine), headers=officer)).json()["id"]
    other = (await client.post(f"{API}/journeys", json=commitment(theirs), headers=officer)).json()["id"]
    company = as_role(Role.company, ruc=mine)
    assert (await client.get(f"{API}/journeys/{own}", headers=company)).status_code == 200
    assert (await client.get(f"{API}/journeys/{other}", headers=company)).status_code == 404
    listed = (await client.get(f"{API}/journeys", params={"ruc": theirs}, headers=company)).json()["data"]
    assert {j["company_ruc"] for j in listed} == {mine}
    assert (await client.post(f"{API}/journeys", json=commitment(mine), headers=company)).status_code == 403
