"""Every operation of the merged OpenAPI × every kind of caller, through nginx.

The operations and who may call them come from the document itself (``x-roles``); the callers
are one of each role plus the "other tenant": a second company, monitor, auditor and
certification body. Tenant A has real data (a participant with its monitor, a session of its
cohort with a meeting link, an attendee and attendance, a self-assessment with evidence, a
pre-audit); path parameters name A's records. Expected, per operation and caller:

- anonymous: 401 from the gateway (``reason: credential-required``) unless the operation is
  public, before any service reads the body;
- a role the operation does not admit: 403;
- an admitted caller: neither 401 nor 403 nor 5xx; a write carries an empty JSON body, so
  admitted callers mostly get 422 (the role check runs first, so nothing changes);
- the other tenant (company B, monitor B, body B): 404 for a read of A's own record
  (what it may not know exists), and no trace of A (RUC, name, ids, meeting link) in any body.
  Monitors read programme progress across companies in training and audit (shared/access.py),
  so monitor B's reads are held to that only in enrollment.

Writes of an admitted, same-tenant caller that take no body and no path parameter would change
global state (``certificates/expiry-pass``): they are left to their own tests.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from deploy.demo import journey
from deploy.demo.client import PlatformClient
from shared.clock import LIMA

pytestmark = pytest.mark.e2e

METHODS = ("get", "put", "post", "patch", "delete")
# Path parameters whose value in the matrix is one of tenant A's own records: the other tenant
# reading them must get 404 and nothing of A.
A_RECORDS = {
    "ruc",
    "application_id",
    "participant_id",
    "attendee_id",
    "assessment_id",
    "evidence_id",
    "preaudit_id",
    "session_id",
}
# Where each other-tenant role may see nothing of A (shared/access.py): monitors read programme
# progress across companies in training and audit, auditors read every audit file.
CONFINED_READS = {
    "company": {"enrollment", "training", "audit", "catalog", "gateway"},
    "certification_body": {"enrollment", "training", "audit", "catalog", "gateway"},
    "monitor": {"enrollment"},
    "auditor": set(),
}


@dataclass(frozen=True)
class Caller:
    name: str
    role: str | None  # None: anonymous
    tenant: str = "A"  # "B": the other tenant
    headers: dict[str, str] = field(default_factory=dict, hash=False, compare=False)


@dataclass
class Tenant:
    ruc: str
    legal_name: str
    ids: dict[str, str] = field(default_factory=dict)
    markers: set[str] = field(default_factory=set)


def _token(client: httpx.Client, role: str, **claims: Any) -> dict[str, str]:
    response = client.post("/api/v1/gateway/dev/tokens", json={"role": role, **claims})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _seed_tenant(url: str, label: str, *, full: bool) -> tuple[Tenant, str]:
    """A company admitted to its own cohort, followed by a monitor whose login is known."""
    client = PlatformClient(url, log=lambda _line: None)
    legal_name = f"Matriz {label} {uuid.uuid4().hex[:8]} S.A.C."
    j = journey.Journey(client=client, wait_seconds=90, profile=journey.CompanyProfile(legal_name=legal_name))
    officer = journey.OFFICER
    monitor_subject = f"matrix-monitor-{label}-{uuid.uuid4().hex[:8]}"
    monitor = client.call(
        "POST",
        "/api/v1/enrollment/monitors",
        as_=officer,
        expect=201,
        json={
            "name": f"Monitor {label}",
            "email": f"{monitor_subject}@promperu.gob.pe",
            "user_subject": monitor_subject,
        },
    )
    journey.enroll(j)
    pid = j.facts["participant_id"]
    client.call(  # 409: admission already picked it (the least loaded monitor)
        "PUT",
        f"/api/v1/enrollment/applications/{pid}/monitor",
        as_=officer,
        expect=(200, 409),
        json={"monitor_id": monitor["id"], "reason": "access matrix"},
    )
    tenant = Tenant(ruc=j.ruc, legal_name=legal_name)
    tenant.ids |= {
        "ruc": j.ruc,
        "application_id": pid,
        "participant_id": pid,
        "cohort_id": j.facts["cohort_id"],
    }
    tenant.ids["monitor_id"] = monitor["id"]
    headers = _token(client.http, "monitor", subject=monitor_subject)
    j.until(
        "training and audit know the participant's monitor", lambda: _monitor_confirmed(client, pid, headers)
    )
    if full:
        _seed_records(client, j, tenant)
    tenant.markers |= {tenant.ruc, tenant.legal_name, pid}
    client.close()
    return tenant, monitor_subject


def _monitor_confirmed(client: PlatformClient, pid: str, headers: dict[str, str]) -> bool:
    """Training and audit have applied the reassignment: the monitor's writes are admitted
    (a visit logged in training, the self-assessment started in audit)."""
    visit = {"held_on": str(_today()), "mode": "call", "duration_minutes": 30, "aspects": ["agua"]}
    training = client.http.post(
        f"/api/v1/training/participants/{pid}/assistance", json=visit, headers=headers
    )
    if training.status_code != 201:
        return False
    audit = client.http.post("/api/v1/audit/self-assessments", json={"participant_id": pid}, headers=headers)
    return audit.status_code in (200, 201, 409)


def _today():
    return datetime.now(LIMA).date()


def _seed_records(client: PlatformClient, j: journey.Journey, tenant: Tenant) -> None:
    officer, pid = journey.OFFICER, tenant.ids["participant_id"]
    attendee = client.call(
        "POST",
        f"/api/v1/training/participants/{pid}/attendees",
        as_=officer,
        expect=201,
        json={"dni": "40000001", "full_name": "Ana Matriz", "job_role": "Gerente", "gender": "female"},
    )
    link = f"https://meet.example.pe/matrix-{uuid.uuid4().hex}"
    # The programme's order (PBE III): the pre-audit comes after the eleven workshops (Taller 0-10)
    # and the technical-assistance visit (logged by the monitor in _monitor_confirmed). The auditor
    # schedules it without an override, so it is the auditor who leads it.
    starts = j.today - timedelta(days=7 * 11)
    sessions = []
    for number in range(11):
        session = client.call(
            "POST",
            "/api/v1/training/sessions",
            as_=officer,
            expect=201,
            json={
                "cohort_id": tenant.ids["cohort_id"],
                "workshop_number": number,
                "starts_at": f"{starts + timedelta(days=7 * number)}T09:00:00",
                "duration_minutes": journey.WORKSHOP_MINUTES,
                "mode": "virtual",
                "link": link,
                "trainer": "Ing. Matriz",
                "capacity": 30,
            },
        )
        client.call(
            "PUT",
            f"/api/v1/training/sessions/{session['session_id']}/attendance/{attendee['attendee_id']}",
            as_=officer,
            expect=(200, 201),
            json={"minutes_present": journey.WORKSHOP_MINUTES},
        )
        sessions.append(session)
    session = sessions[0]
    j.until(
        "audit heard the training completion and the assistance visit (the pre-audit comes after both)",
        lambda: (lambda p: p.get("training_completed_at") and (p.get("assistance_visits") or 0) >= 1)(
            client.call("GET", f"/api/v1/audit/participants/{pid}", as_=journey.AUDITOR)
        ),
    )
    assessments = client.call("GET", f"/api/v1/audit/self-assessments?participant_id={pid}", as_=officer)[
        "data"
    ]
    assessment = assessments[0]
    evidence = client.call(
        "POST",
        f"/api/v1/audit/self-assessments/{assessment['id']}/evidence",
        as_=j.company,
        expect=201,
        data={"requirement_code": "A5.R01"},
        files={"file": ("plan.pdf", b"%PDF-1.4 matrix " + uuid.uuid4().bytes, "application/pdf")},
    )
    preaudit = client.call(
        "POST",
        "/api/v1/audit/preaudits",
        as_=journey.AUDITOR,
        expect=201,
        json={"participant_id": pid, "audit_date": str(j.today), "auditor_name": "Auditor A"},
    )
    tenant.ids |= {
        "attendee_id": attendee["attendee_id"],
        "session_id": session["session_id"],
        "assessment_id": assessment["id"],
        "evidence_id": evidence["id"],
        "preaudit_id": preaudit["id"],
    }
    tenant.markers |= {link, attendee["attendee_id"], evidence["id"], preaudit["id"], session["session_id"]}
    tenant.ids["auditor_token"] = client.token("auditor")
    _seed_circular(client, j, tenant)


def _seed_circular(client: PlatformClient, j: journey.Journey, tenant: Tenant) -> None:
    """A sensitisation talk the company attended and a training with a trained specialist (circular)."""
    officer = journey.OFFICER
    activity = client.call(
        "POST",
        "/api/v1/circular/activities",
        as_=officer,
        expect=201,
        json={
            "kind": "talk",
            "title": "Charla de economía circular (matriz)",
            "held_on": str(j.today),
            "node": "lima",
            "organiser_kind": "node",
            "organiser": "Nodo Lima",
            "attendees": [{"ruc": tenant.ruc, "full_name": "Ana Matriz", "gender": "female"}],
        },
    )
    training = client.call(
        "POST",
        "/api/v1/circular/trainings",
        as_=officer,
        expect=201,
        json={
            "methodology": "ecocanvas",
            "title": "Ecocanvas (matriz)",
            "organiser": "PRODUCE",
            "starts_on": str(j.today),
            "ends_on": str(j.today),
            "hours": 8,
            "trainees": [
                {
                    "full_name": "Especialista Matriz",
                    "kind": "specialist",
                    "institution": "CITE",
                    "hours_attended": 8,
                }
            ],
        },
    )
    tenant.ids |= {
        "activity_id": activity["id"],
        "training_id": training["id"],
        "trainee_id": training["trainees"][0]["id"],
    }


@pytest.fixture(scope="module")
def tenants(stack) -> tuple[Tenant, Tenant, dict[str, str]]:
    a, monitor_a = _seed_tenant(stack.gateway_url, "A", full=True)
    b, monitor_b = _seed_tenant(stack.gateway_url, "B", full=False)
    return a, b, {"A": monitor_a, "B": monitor_b}


@pytest.fixture(scope="module")
def callers(stack, tenants, new_api_key) -> list[Caller]:
    a, b, monitors = tenants
    body_a, body_b = str(uuid.uuid4()), str(uuid.uuid4())
    key, _ = new_api_key(
        [
            f"{svc}:{access}"
            for svc in ("enrollment", "training", "audit", "catalog", "webhooks", "circular")
            for access in ("read", "write")
        ],
        rate_limit_per_minute=3000,
    )
    with httpx.Client(base_url=stack.gateway_url, timeout=30) as http:
        return [
            Caller("anonymous", None),
            Caller("company A", "company", "A", _token(http, "company", ruc=a.ruc)),
            Caller("company B", "company", "B", _token(http, "company", ruc=b.ruc)),
            Caller("monitor A", "monitor", "A", _token(http, "monitor", subject=monitors["A"])),
            Caller("monitor B", "monitor", "B", _token(http, "monitor", subject=monitors["B"])),
            Caller("officer", "promperu_officer", "A", _token(http, "promperu_officer")),
            Caller("auditor A", "auditor", "A", {"Authorization": f"Bearer {a.ids['auditor_token']}"}),
            Caller(
                "auditor B", "auditor", "B", _token(http, "auditor", subject=f"auditor-b-{uuid.uuid4().hex}")
            ),
            Caller("body A", "certification_body", "A", _token(http, "certification_body", body_id=body_a)),
            Caller("body B", "certification_body", "B", _token(http, "certification_body", body_id=body_b)),
            Caller("partner", "partner", "A", {"X-API-Key": key}),
            Caller("admin", "admin", "A", _token(http, "admin")),
        ]


@pytest.fixture(scope="module")
def document(stack, tenants) -> dict[str, Any]:
    response = httpx.get(f"{stack.gateway_url}/openapi.json", timeout=30)
    assert response.status_code == 200
    doc = response.json()
    assert "x-unavailable-services" not in doc["info"]
    return doc


def operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, op)
        for path, item in doc["paths"].items()
        for method, op in item.items()
        if method in METHODS and isinstance(op, dict)
    ]


def operations_without_roles(doc: dict[str, Any]) -> list[str]:
    return [f"{m} {p}" for m, p, op in operations(doc) if not op.get("x-roles")]


def test_a_new_operation_without_x_roles_is_caught():
    doc = {
        "paths": {
            "/api/v1/x/new": {"get": {"responses": {}}},
            "/api/v1/x/old": {"get": {"x-roles": ["admin"]}},
        }
    }
    assert operations_without_roles(doc) == ["GET /api/v1/x/new"]


def test_every_operation_says_who_may_call_it(document):
    assert not operations_without_roles(document)


def _fill(path: str, op: dict[str, Any], ids: dict[str, str]) -> tuple[str, set[str]]:
    used = set()
    schemas = {p["name"]: p.get("schema", {}) for p in op.get("parameters", []) if p.get("in") == "path"}

    def value(match: re.Match[str]) -> str:
        name = match[1]
        if name in ids:
            used.add(name)
            return ids[name]
        schema = schemas.get(name, {})
        if schema.get("type") == "integer" or name == "number":
            return "1"
        if schema.get("format") == "uuid" or name.endswith("_id"):
            return str(uuid.uuid4())
        return "x"

    return re.sub(r"\{([^}]+)\}", value, path), used


def _expected(method: str, path: str, op: dict[str, Any], caller: Caller, used: set[str]) -> str:
    roles = op["x-roles"]
    service = path.split("/")[3]
    if roles == ["public"]:
        return "answered"
    if caller.role == "auditor" and caller.tenant == "B" and "preaudit_id" in used and method != "GET":
        # A pre-audit another auditor leads (a write with a body fails its validation first).
        return "answered" if "requestBody" in op else "403"
    if caller.role is None:
        return "401"
    if caller.role != "admin" and caller.role not in roles:
        return "403"
    if (
        caller.tenant == "B"
        and method == "GET"
        and service in CONFINED_READS.get(caller.role, set())
        and used & A_RECORDS
        and path.rstrip("}").rsplit("{", 1)[-1] in A_RECORDS
    ):
        return "404"
    return "answered"


def _leaks(response: httpx.Response, markers: set[str], path: str) -> list[str]:
    """A's markers in the answer, other than those the caller sent itself (the path it asked
    for comes back as the problem's ``instance``, an unknown id in its ``detail``)."""
    text = response.text
    return sorted(m for m in markers if m and m in text and m not in path)


def test_every_operation_every_caller(stack, document, tenants, callers):
    a, _b, _monitors = tenants
    unexpected: list[str] = []
    counts: Counter[str] = Counter()
    with httpx.Client(base_url=stack.gateway_url, timeout=30) as http:
        for method, template, op in operations(document):
            for caller in callers:
                global_write = method != "GET" and "{" not in template and "requestBody" not in op
                path, used = _fill(template, op, a.ids)
                expected = _expected(method, template, op, caller, used)
                if method != "GET" and expected == "answered" and caller.tenant == "A":
                    # An admitted caller's write to A's records would change them (a withdrawal,
                    # a cancelled pre-audit): it names records that do not exist instead.
                    path, used = _fill(template, op, {})
                if global_write and expected == "answered":
                    counts["left to their own tests"] += 1
                    continue
                kwargs: dict[str, Any] = {"headers": dict(caller.headers)}
                if method != "GET":
                    kwargs["json"] = {}
                response = http.request(method, path, **kwargs)
                counts[expected] += 1
                status = response.status_code
                ok = {
                    "401": status == 401 and response.json().get("reason") == "credential-required",
                    "403": status == 403,
                    "404": status == 404,
                    "answered": status not in (401, 403) and status < 500,
                }[expected]
                confined = template.split("/")[3] in CONFINED_READS.get(caller.role or "", set())
                leaked = _leaks(response, a.markers, path) if caller.tenant == "B" and confined else []
                if not ok or leaked:
                    unexpected.append(
                        f"{caller.name:10} {method:6} {template}: expected {expected}, got {status}"
                        + (f", leaks {leaked}" if leaked else "")
                        + f" {response.text[:160]}"
                    )
    total = sum(counts.values())
    print(
        f"\naccess matrix: {len(operations(document))} operations x {len(callers)} callers = {total} requests {dict(counts)}"
    )
    assert not unexpected, f"{len(unexpected)} unexpected answers:\n" + "\n".join(unexpected)


def test_monitors_act_only_for_their_companies_in_training(stack, tenants, callers):
    """The writes that decide completion (attendance) and the people and visits behind it."""
    a, _b, _ = tenants
    by_name = {c.name: c for c in callers}
    session, attendee, pid = a.ids["session_id"], a.ids["attendee_id"], a.ids["participant_id"]
    today = _today()
    writes = [
        ("PUT", f"/api/v1/training/sessions/{session}/attendance/{attendee}", {"minutes_present": 90}),
        (
            "POST",
            f"/api/v1/training/participants/{pid}/attendees",
            {
                "dni": f"4{uuid.uuid4().int % 10**7:07d}",
                "full_name": "Luis Matriz",
                "job_role": "Jefe",
                "gender": "male",
            },
        ),
        ("PATCH", f"/api/v1/training/attendees/{attendee}", {"job_role": "Gerente general"}),
        (
            "POST",
            f"/api/v1/training/participants/{pid}/assistance",
            {
                "held_on": str(today),
                "mode": "visit",
                "duration_minutes": 60,
                "aspects": ["agua"],
            },
        ),
        ("DELETE", f"/api/v1/training/sessions/{session}/attendance/{attendee}", None),
    ]
    with httpx.Client(base_url=stack.gateway_url, timeout=30) as http:
        for method, path, body in writes:
            other = http.request(method, path, json=body, headers=by_name["monitor B"].headers)
            assert other.status_code == 404, (method, path, other.text)
            assert a.ruc not in other.text
            own = http.request(method, path, json=body, headers=by_name["monitor A"].headers)
            assert own.status_code in (200, 201, 204), (method, path, own.text)
        report = f"Name,User Email,Join Time,Leave Time,Duration (Minutes),DNI,RUC\nAna,a@x.pe,,,100,40000001,{a.ruc}\n"
        imported = http.post(
            f"/api/v1/training/sessions/{session}/attendance/import",
            content=report.encode(),
            headers=by_name["monitor B"].headers | {"Content-Type": "text/csv"},
        )
        assert imported.status_code == 200, imported.text
        assert imported.json()["people_recorded"] == 0 and imported.json()["rows_rejected"] == 1


def test_an_auditor_changes_only_the_preaudits_it_leads(stack, tenants, callers):
    a, _b, _ = tenants
    by_name = {c.name: c for c in callers}
    path = f"/api/v1/audit/preaudits/{a.ids['preaudit_id']}"
    with httpx.Client(base_url=stack.gateway_url, timeout=30) as http:
        for action in ("start", "cancel"):
            response = http.post(f"{path}/{action}", headers=by_name["auditor B"].headers)
            assert response.status_code == 403, response.text
        assert http.get(path, headers=by_name["auditor A"].headers).json()["status"] == "scheduled"
        assert http.post(f"{path}/start", headers=by_name["auditor A"].headers).status_code == 200


def test_a_company_sees_only_its_own_cohorts_sessions(stack, tenants, callers):
    a, _b, _ = tenants
    by_name = {c.name: c for c in callers}
    with httpx.Client(base_url=stack.gateway_url, timeout=30) as http:
        other = http.get("/api/v1/training/sessions?limit=200", headers=by_name["company B"].headers)
        assert other.status_code == 200
        assert a.ids["session_id"] not in other.text and "meet.example.pe/matrix-" not in other.text
        own = http.get("/api/v1/training/sessions?limit=200", headers=by_name["company A"].headers)
        assert a.ids["session_id"] in own.text
        one = http.get(
            f"/api/v1/training/sessions/{a.ids['session_id']}", headers=by_name["company B"].headers
        )
        assert one.status_code == 404


def test_a_10mb_evidence_file_uploads_through_nginx(stack, tenants, callers):
    """The evidence route's own limit (10 MB + form data) applies, not the general 5 MB."""
    a, _b, _ = tenants
    company = {c.name: c for c in callers}["company A"]
    content = uuid.uuid4().bytes * (10 * 1024 * 1024 // 16)
    response = httpx.post(
        f"{stack.gateway_url}/api/v1/audit/self-assessments/{a.ids['assessment_id']}/evidence",
        data={"requirement_code": "A5.R02"},
        files={"file": ("medidores.pdf", content, "application/pdf")},
        headers=company.headers,
        timeout=120,
    )
    assert response.status_code == 201, response.text[:300]
    assert response.json()["size_bytes"] == len(content) == 10 * 1024 * 1024


# The public pages (services/catalog/api/pages.py) are HTML, outside the OpenAPI document: no
# x-roles to read, so the matrix lists them. Every caller, anonymous included, gets the page.
PUBLIC_PAGES = ("/verificar", "/verificar/{number}", "/catalogo", "/catalogo/{ruc}", "/catalogo/estilo.css")


def test_the_public_pages_answer_every_caller(stack, document, tenants, callers):
    a, _b, _ = tenants
    assert not any(p.startswith(("/verificar", "/catalogo")) for p in document["paths"])
    unexpected: list[str] = []
    with httpx.Client(base_url=stack.gateway_url, timeout=30) as http:
        for template in PUBLIC_PAGES:
            path = template.replace("{number}", "PBE-0000-000000").replace("{ruc}", a.ruc)
            for caller in callers:
                response = http.get(path, headers=dict(caller.headers))
                # Answered, as in the matrix (an unknown number or RUC is the page's own 404/422);
                # the landing pages and the stylesheet are there for everyone.
                answered = response.status_code not in (401, 403) and response.status_code < 500
                if not answered or (
                    template in ("/verificar", "/catalogo", "/catalogo/estilo.css")
                    and response.status_code != 200
                ):
                    unexpected.append(f"{caller.name:10} GET {template}: got {response.status_code}")
    assert not unexpected, "\n".join(unexpected)
