"""The circular service through nginx: the micro-course provider's signed message arrives intact
(public route, raw body), and a finished transition journey becomes a draft story in the catalog's
hub (circular -> Kafka -> catalog), which only its company sees."""

from __future__ import annotations

import json
import random

import httpx
import pytest

from shared.ruc import complete_ruc
from shared.settings import DEV_MICROCOURSE_WEBHOOK_SECRET
from tests.support.microcourse import WEBHOOK_PATH, as_learner, new_number, recorded, signed_headers
from tests.support.testing import wait_until

pytestmark = pytest.mark.e2e

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


def test_a_signed_microcourse_message_passes_nginx_and_a_replay_changes_nothing(stack):
    secret = stack.env.get("ECO_CIRCULAR_MICROCOURSE_WEBHOOK_SECRET", DEV_MICROCOURSE_WEBHOOK_SECRET)
    body = json.dumps(
        as_learner(recorded("enrolment_created.json"), new_number()), ensure_ascii=False
    ).encode()
    headers = signed_headers(secret, body)
    first = httpx.post(f"{stack.gateway_url}{WEBHOOK_PATH}", content=body, headers=headers)
    again = httpx.post(f"{stack.gateway_url}{WEBHOOK_PATH}", content=body, headers=headers)
    assert first.status_code == 200, first.text
    assert (first.json()["outcome"], again.json()["outcome"]) == ("applied", "duplicate")
    forged = httpx.post(
        f"{stack.gateway_url}{WEBHOOK_PATH}", content=body.replace(b"Mujer", b"Hombre"), headers=headers
    )
    assert forged.status_code == 401 and forged.headers["content-type"].startswith("application/problem+json")


def test_a_finished_journey_drafts_the_companys_story_in_the_hub(stack, issue_token):
    ruc = complete_ruc("20" + "".join(random.choices("0123456789", k=8)))
    officer = {"Authorization": f"Bearer {issue_token('promperu_officer')}"}
    company = {"Authorization": f"Bearer {issue_token('company', ruc=ruc)}"}
    base = f"{stack.gateway_url}/api/v1/circular/journeys"
    started = httpx.post(
        base,
        json={
            "company_ruc": ruc,
            "company_name": "Curtiembre Moche S.A.C.",
            "women_led": True,
            "node": "la_libertad",
            "title": "Recuperación de cromo",
            "measure": "Recuperación y reúso del cromo del curtido.",
            "mci": MCI,
            "resources": {"raw_material": {"baseline": 5000, "expected": 3500, "unit_price": "9.80"}},
            "investment": 24000,
        },
        headers=officer,
    )
    assert started.status_code == 201, started.text
    jid, today = started.json()["id"], started.json()["started_on"]
    followed = httpx.post(
        f"{base}/{jid}/follow-ups",
        json={"measured_on": today, "measured": {"raw_material": 3700}},
        headers=officer,
    )
    assert followed.status_code == 201, followed.text
    assert httpx.post(f"{base}/{jid}/finish", json={}, headers=officer).status_code == 200
    hub = f"{stack.gateway_url}/api/v1/catalog/hub/submissions"

    def drafted():
        stories = httpx.get(hub, params={"ruc": ruc}, headers=company).json()["data"]
        return stories if stories else None

    (story,) = wait_until(drafted, timeout=60, message="the catalog drafted the journey's story")
    assert story["status"] == "draft" and story["title"] == "Recuperación de cromo"
    (material,) = story["resources"]
    assert float(material["baseline"]) == 5000 and float(material["after"]) == 3700
    other = {"Authorization": f"Bearer {issue_token('company', ruc=complete_ruc('2060000000'))}"}
    assert httpx.get(f"{hub}/{story['story_id']}", headers=other).status_code == 404
