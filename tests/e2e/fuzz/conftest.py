"""Fuzzing the merged OpenAPI through nginx: per identity, a seeded company and its credential.

Every identity gets a company of its own, taken through the whole programme by the demo
journey (registered, admitted, trained, assessed, pre-audited, certified), plus a hub
resource, a success story, an evidence file and a partner API key: the fuzzer then
addresses real rows (path parameters are fixed to them), so it reaches the handlers
instead of stopping at 404s. Fuzzing may change or delete them; nothing else uses them.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field

import httpx
import pytest

from deploy.demo.client import JourneyError, PlatformClient
from deploy.demo.journey import OFFICER, Journey, assess_and_preaudit, certify, enroll, train

IDENTITIES = ("anonymous", "company", "officer", "admin")
ROLES = {"company": "company", "officer": "promperu_officer", "admin": "admin"}

# Cases sent per identity, printed at the end of the session.
CASES: Counter[str] = Counter()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "fuzz: schemathesis over the merged OpenAPI through nginx")


def pytest_terminal_summary(terminalreporter) -> None:
    if CASES:
        counts = ", ".join(f"{name} {CASES[name]}" for name in IDENTITIES if name in CASES)
        terminalreporter.write_line(f"schemathesis cases per identity: {counts} (total {CASES.total()})")


@dataclass
class Identity:
    name: str
    headers: dict[str, str]
    parameters: dict[str, str] = field(default_factory=dict)


def _seed(client: PlatformClient) -> tuple[str, dict[str, str]]:
    """A certified company with rows in every service; its RUC and the ids of those rows."""
    j = Journey(client, wait_seconds=90)
    for stage in (enroll, train, assess_and_preaudit, certify):
        stage(j)
    c, pid, ruc = client, j.facts["participant_id"], j.ruc
    company = j.company
    ids: dict[str, str] = {
        "ruc": ruc,
        "application_id": pid,
        "participant_id": pid,
        "cohort_id": j.facts["cohort_id"],
        "number": j.facts["certificate"],
        "certificate_number": j.facts["certificate"],
    }
    ids["site_id"] = c.call("GET", f"/api/v1/enrollment/companies/{ruc}/sites", as_=OFFICER)["data"][0]["id"]
    application = c.call("GET", f"/api/v1/enrollment/applications/{pid}", as_=OFFICER)
    ids["monitor_id"] = application["monitor"]["id"]
    sessions = c.call("GET", "/api/v1/training/sessions", as_=OFFICER, params={"cohort_id": ids["cohort_id"]})
    ids["session_id"] = sessions["data"][0]["session_id"]
    attendees = c.call("GET", f"/api/v1/training/participants/{pid}/attendees", as_=OFFICER)
    ids["attendee_id"] = attendees["data"][0]["attendee_id"]
    params = {"participant_id": pid}
    assessment = c.call("GET", "/api/v1/audit/self-assessments", as_=OFFICER, params=params)["data"][0]
    ids["assessment_id"] = assessment["id"]
    evidence = c.call(
        "POST",
        f"/api/v1/audit/self-assessments/{assessment['id']}/evidence",
        as_=company,
        expect=201,
        data={
            "requirement_code": c.call("GET", "/api/v1/audit/standards/current", as_=OFFICER)["requirements"][
                0
            ]["code"]
        },
        files={"file": ("registro.csv", b"mes,kwh\n2025-01,1200\n", "text/csv")},
    )
    ids["evidence_id"] = evidence["id"]
    ids["version"] = c.call("GET", "/api/v1/audit/standards/current", as_=OFFICER)["version"]
    ids["preaudit_id"] = c.call("GET", "/api/v1/audit/preaudits", as_=OFFICER, params=params)["data"][0]["id"]
    ncs = c.call("GET", "/api/v1/audit/nonconformities", as_=OFFICER, params=params)["data"]
    ids["nonconformity_id"] = ncs[0]["id"]
    audit = c.call("GET", "/api/v1/audit/certification-audits", as_=OFFICER, params=params)["data"][0]
    ids["audit_id"], ids["body_id"] = audit["id"], audit["body_id"]
    resource = c.call(
        "POST",
        "/api/v1/catalog/hub/resources",
        as_=OFFICER,
        expect=201,
        json={
            "slug": f"guia-{uuid.uuid4().hex[:12]}",
            "kind": "guide",
            "title": "Guía de ecoeficiencia hídrica",
            "summary": "Cómo medir y reducir el consumo de agua en planta.",
            "tags": ["agua"],
        },
    )
    ids["resource_id"] = resource["resource_id"]
    story = c.call(
        "POST",
        "/api/v1/catalog/hub/success-stories",
        as_=company,
        expect=201,
        json={
            "ruc": ruc,
            "company_name": j.profile.legal_name,
            "title": "Secado solar del café",
            "measure": "Reemplazo del secador eléctrico por un secador solar con respaldo.",
            "figures": {"energy": {"baseline": 12000, "after": 7000, "unit_price": 0.6}},
            "investment": 9000,
        },
    )
    ids["story_id"] = story["story_id"]
    key = c.call(
        "POST",
        "/api/v1/gateway/api-keys",
        as_=("admin", {}),
        expect=201,
        json={"name": "fuzz", "organisation": "ProInnovate", "scopes": ["catalog:read"]},
    )
    ids["key_id"] = key["id"]
    activity = c.call(
        "POST",
        "/api/v1/circular/activities",
        as_=OFFICER,
        expect=201,
        json={
            "kind": "workshop",
            "title": "Taller de ecodiseño",
            "held_on": str(j.today),
            "node": "arequipa",
            "organiser_kind": "partner",
            "organiser": "CITE Arequipa",
            "methodology": "ecocanvas",
            "attendees": [{"ruc": ruc, "full_name": "Rosa Quispe", "gender": "female", "women_led": True}],
        },
    )
    ids["activity_id"] = activity["id"]
    training = c.call(
        "POST",
        "/api/v1/circular/trainings",
        as_=OFFICER,
        expect=201,
        json={
            "methodology": "ecocanvas",
            "title": "Ecocanvas para especialistas",
            "organiser": "PRODUCE",
            "starts_on": str(j.today),
            "ends_on": str(j.today),
            "hours": 16,
            "trainees": [
                {
                    "full_name": "Carmen Vega",
                    "kind": "specialist",
                    "institution": "CITE",
                    "hours_attended": 16,
                }
            ],
        },
    )
    ids["training_id"], ids["trainee_id"] = training["id"], training["trainees"][0]["id"]
    return ruc, ids


def _seed_with_fresh_identifiers(client: PlatformClient) -> tuple[str, dict[str, str]]:
    """The journey draws a random RUC and derives a certification body's authorisation number
    from its last three digits, which the e2e database (kept between runs) may already hold:
    such a 409 is retried with a new company (at most three times)."""
    for attempt in range(3):
        try:
            return _seed(client)
        except JourneyError as exc:
            if "got 409" not in str(exc) or attempt == 2:
                raise
    raise AssertionError("unreachable")


@pytest.fixture(scope="session", params=IDENTITIES)
def identity(request: pytest.FixtureRequest, stack) -> Identity:
    name = request.param
    client = PlatformClient(stack.gateway_url, log=lambda text: None)
    try:
        ruc, ids = _seed_with_fresh_identifiers(client)
        if name == "anonymous":
            headers = {}
        else:
            claims = {"ruc": ruc} if name == "company" else {}
            token = httpx.post(
                f"{stack.gateway_url}/api/v1/gateway/dev/tokens", json={"role": ROLES[name], **claims}
            )
            assert token.status_code == 201, token.text
            headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    finally:
        client.close()
    return Identity(name=name, headers=headers, parameters={f"path.{k}": v for k, v in ids.items()})
