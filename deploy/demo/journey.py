"""One company's whole journey through the programme, through the gateway only.

register → apply → eligible → admitted with a monitor → commitment signed → attends the
workshops → training completed → self-assessment → pre-audit with two non-conformities →
remediated → pre-audit passed → certification-eligible → certification audit by an
authorised body → certificate issued → in the public catalogue and verifiable → expires
after two years → leaves the catalogue.

Every cross-service step travels through Kafka; the journey only ever sees HTTP, so it
waits for each step's effect by polling with a deadline. ``make demo`` runs it against
``make run``; ``tests/e2e/test_generated_client.py`` runs it against the test stack through a
client generated from the OpenAPI document.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from deploy.demo.client import JourneyError, PlatformClient, gateway_url
from shared.clock import LIMA
from shared.ruc import complete_ruc

OFFICER = ("promperu_officer", {})
AUDITOR = ("auditor", {})
ADMIN = ("admin", {})
WORKSHOP_MINUTES = 120


@dataclass(frozen=True)
class CompanyProfile:
    legal_name: str = "Café Orgánico del Valle S.A.C."
    trade_name: str = "Valle Verde"
    region: str = "Arequipa"
    ciiu_code: str = "1079"
    women_led: bool = True
    products: tuple[str, ...] = ("café orgánico tostado", "cacao en grano")
    search: str = "cafe organico valle"


@dataclass
class Journey:
    """What the journey learnt on its way, for the next steps and for assertions."""

    client: PlatformClient
    wait_seconds: float = 60.0
    ruc: str = field(default_factory=lambda: complete_ruc("20" + f"{random.randrange(10**8):08d}"))
    # Business dates are Lima dates (the services judge "today" in America/Lima).
    today: date = field(default_factory=lambda: datetime.now(LIMA).date())
    facts: dict[str, Any] = field(default_factory=dict)
    profile: CompanyProfile = field(default_factory=CompanyProfile)

    @property
    def company(self) -> tuple[str, dict[str, Any]]:
        return ("company", {"ruc": self.ruc})

    def step(self, text: str) -> None:
        self.client.log(f"\n▶ {text}")

    def note(self, text: str) -> None:
        self.client.log(f"   {text}")

    def until(self, what: str, check: Callable[[], Any]) -> Any:
        """Poll ``check`` (an HTTP read) until it returns something truthy."""
        deadline = time.monotonic() + self.wait_seconds
        started = time.monotonic()
        while True:
            value = check()
            if value:
                self.note(f"… {what} ({(time.monotonic() - started) * 1000:.0f} ms)")
                return value
            if time.monotonic() > deadline:
                raise JourneyError(f"timed out after {self.wait_seconds}s waiting for: {what}")
            time.sleep(0.1)  # the poll interval of a deadline loop


def enroll(j: Journey) -> None:
    if "cohort_id" not in j.facts:
        open_cohort(j)
    register_and_admit(j)


def open_cohort(j: Journey, name: str | None = None, capacity: int = 30) -> None:
    c = j.client
    j.step("A programme officer opens the cohort and registers a follow-up monitor")
    cohort = c.call(
        "POST",
        "/api/v1/enrollment/cohorts",
        as_=OFFICER,
        expect=201,
        idempotent=True,
        json={
            "name": name or f"BPE demo {j.ruc[-4:]}",
            "capacity": capacity,
            "applications_open_on": str(j.today - timedelta(days=7)),
            "applications_close_on": str(j.today + timedelta(days=30)),
            "preaudit_on": str(j.today + timedelta(days=200)),
            "certification_audit_on": str(j.today + timedelta(days=300)),
        },
    )
    j.facts["cohort_id"] = cohort["id"]
    c.call(
        "POST",
        "/api/v1/enrollment/monitors",
        as_=OFFICER,
        expect=201,
        json={"name": f"Rosa Quispe {j.ruc[-4:]}", "email": f"rquispe{j.ruc[-4:]}@promperu.gob.pe"},
    )
    j.note(f"cohort {cohort['name']} ({cohort['id']})")


def register_and_admit(j: Journey) -> None:
    c = j.client
    p = j.profile

    j.step(f"The company registers itself (RUC {j.ruc}) with its plant")
    company = c.call(
        "POST",
        "/api/v1/enrollment/companies",
        as_=j.company,
        expect=201,
        idempotent=True,
        json={
            "ruc": j.ruc,
            "legal_name": p.legal_name,
            "trade_name": p.trade_name,
            "legal_rep_name": "María Huamán Rojas",
            "legal_rep_dni": "41234567",
            "founded_on": str(j.today - timedelta(days=6 * 365)),
            "registry_entry": "11002345",
            "region": p.region,
            "ciiu_code": p.ciiu_code,
            "annual_sales_pen": "1250000.00",
            "women_led": p.women_led,
            "phone": "+51 54 123456",
            "email": "gerencia@valleverde.pe",
            "website": "https://valleverde.pe",
            "direct_exports": True,
            "export_markets": ["DE", "US"],
            "own_production": True,
            "products": list(p.products),
        },
    )
    size = company["size"]
    j.note(f"size class computed from sales: {size['size_class']} (UIT {size['uit_fiscal_year']})")
    c.call(
        "POST",
        f"/api/v1/enrollment/companies/{j.ruc}/sites",
        as_=j.company,
        expect=201,
        json={
            "name": "Planta Cerro Colorado",
            "address": "Av. Aviación 1204, Cerro Colorado",
            "region": p.region,
            "licence_number": "LF-2019-00871",
            "licence_expires_on": None,
            "indeci_number": "ITSE-2024-1187",
            "indeci_expires_on": str(j.today + timedelta(days=500)),
        },
    )

    j.step("It applies, accepts the sworn declaration and submits")
    application = c.call(
        "POST",
        "/api/v1/enrollment/applications",
        as_=j.company,
        expect=201,
        idempotent=True,
        json={"ruc": j.ruc, "cohort_id": j.facts["cohort_id"]},
    )
    app_id = j.facts["participant_id"] = application["id"]
    path = f"/api/v1/enrollment/applications/{app_id}"
    c.call(
        "POST",
        f"{path}/sworn-declaration",
        as_=j.company,
        json={"name": "María Huamán Rojas", "dni": "41234567"},
    )
    c.call("POST", f"{path}/submit", as_=j.company)

    j.step("PROMPERÚ evaluates section V rule by rule, then admits it with a monitor")
    evaluated = c.call("POST", f"{path}/evaluate", as_=OFFICER)
    if evaluated["status"] != "eligible":
        raise JourneyError(f"expected eligible, got {evaluated['status']}: {evaluated.get('eligibility')}")
    rules = c.call("GET", f"{path}/eligibility", as_=OFFICER)
    j.note(f"eligibility: {sum(r['passed'] for r in rules['rules'])}/{len(rules['rules'])} rules passed")
    admitted = c.call("POST", f"{path}/admit", as_=OFFICER)
    j.facts["monitor"] = admitted["monitor"]["name"]
    j.note(f"admitted; monitor {admitted['monitor']['name']}")

    j.step("The commitment letter is issued and signed by the legal representative")
    c.call("POST", f"{path}/commitment-letter", as_=OFFICER)
    c.call(
        "POST",
        f"{path}/commitment/sign",
        as_=j.company,
        json={"name": "María Huamán Rojas", "dni": "41234567"},
    )
    active = c.call("POST", f"{path}/activate", as_=OFFICER)
    j.note(f"application {active['status']}")


def train(j: Journey) -> None:
    c = j.client
    participant = j.facts["participant_id"]
    j.step("Training learns of the participant from Kafka (enrollment.participant.admitted)")
    j.until(
        "training has the participant",
        lambda: c.call(
            "GET", f"/api/v1/training/participants/{participant}", as_=OFFICER, expect=(200, 404)
        ).get("participant_id"),
    )
    attendee = c.call(
        "POST",
        f"/api/v1/training/participants/{participant}/attendees",
        as_=OFFICER,
        expect=201,
        json={
            "dni": "41234567",
            "full_name": "María Huamán Rojas",
            "job_role": "Gerente general",
            "gender": "female",
        },
    )

    j.step("The eleven workshops (Taller 0-10) are delivered and she attends each in full")
    # Attendance is recorded once a session has begun, and the services run on the real
    # clock: the demo's workshops took place over the last eleven weeks.
    starts = j.today - timedelta(days=7 * 11)
    for number in range(11):
        session = c.call(
            "POST",
            "/api/v1/training/sessions",
            as_=OFFICER,
            expect=201,
            idempotent=True,
            json={
                "cohort_id": j.facts["cohort_id"],
                "workshop_number": number,
                "starts_at": f"{starts + timedelta(days=7 * number)}T09:00:00",
                "duration_minutes": WORKSHOP_MINUTES,
                "mode": "virtual",
                "link": "https://meet.example.pe/bpe",
                "trainer": "Ing. Rosa Quispe",
                "capacity": 60,
            },
        )
        c.call(
            "PUT",
            f"/api/v1/training/sessions/{session['session_id']}/attendance/{attendee['attendee_id']}",
            as_=OFFICER,
            expect=(200, 201),
            json={"minutes_present": WORKSHOP_MINUTES},
        )
    progress = c.call("GET", f"/api/v1/training/participants/{participant}/progress", as_=j.company)
    j.note(
        f"training: {progress['completion_state']}, attended {progress['attended_workshops']}, "
        f"missing {progress['missing_workshops']}"
    )

    j.step("PROMPERÚ logs the follow-up monitor's technical-assistance visit (aspects of the standard)")
    visit = c.call(
        "POST",
        f"/api/v1/training/participants/{participant}/assistance",
        as_=OFFICER,
        expect=201,
        idempotent=True,
        json={
            "held_on": str(j.today),
            "mode": "visit",
            "duration_minutes": 90,
            "aspects": ["A3", "A5"],
            "agreements": "Instalar medidores de agua en la línea de lavado.",
        },
    )
    j.note(f"visit on {visit['held_on']} by {visit['monitor_name']}: aspects {visit['aspects']}")

    j.step("Enrollment hears training.program.completed")
    j.until(
        "enrollment records the training as completed",
        lambda: c.call("GET", f"/api/v1/enrollment/applications/{participant}", as_=OFFICER)["certification"][
            "training_completed_at"
        ],
    )


def assess_and_preaudit(j: Journey) -> None:
    c = j.client
    participant = j.facts["participant_id"]
    j.step("Audit learns of the participant; the company self-assesses all 112 requirements")
    j.until(
        "audit has the participant",
        lambda: c.call(
            "GET", f"/api/v1/audit/participants/{participant}", as_=AUDITOR, expect=(200, 404)
        ).get("participant_id"),
    )
    j.until(
        "audit heard the training completion and the assistance visit (the pre-audit comes after both)",
        lambda: (lambda p: p.get("training_completed_at") and (p.get("assistance_visits") or 0) >= 1)(
            c.call("GET", f"/api/v1/audit/participants/{participant}", as_=AUDITOR)
        ),
    )
    standard = c.call("GET", "/api/v1/audit/standards/current", as_=j.company)
    codes = [r["code"] for r in standard["requirements"]]
    j.note(f"standard {standard['version']}: {len(standard['aspects'])} aspects, {len(codes)} requirements")
    assessment = c.call(
        "POST",
        "/api/v1/audit/self-assessments",
        as_=j.company,
        expect=201,
        idempotent=True,
        json={"participant_id": participant},
    )
    answers = [{"requirement_code": code, "status": "implemented"} for code in codes]
    answers[3]["status"] = answers[40]["status"] = "partial"
    detail = c.call(
        "PUT",
        f"/api/v1/audit/self-assessments/{assessment['id']}/answers",
        as_=j.company,
        json={"answers": answers},
    )
    j.note(f"self-assessed implementation level: {detail['overall_level']:.1f}")

    j.step("PROMPERÚ's pre-audit finds two non-conformities")
    preaudit = c.call(
        "POST",
        "/api/v1/audit/preaudits",
        as_=AUDITOR,
        expect=201,
        idempotent=True,
        json={"participant_id": participant, "audit_date": str(j.today), "auditor_name": "Jorge Salas"},
    )
    pre = f"/api/v1/audit/preaudits/{preaudit['id']}"
    c.call("POST", f"{pre}/start", as_=AUDITOR)
    results = [{"requirement_code": code, "result": "conforming"} for code in codes]
    results[3] = {
        "requirement_code": codes[3],
        "result": "minor_nonconformity",
        "finding": "El plan de manejo de residuos sólidos no está aprobado.",
    }
    results[40] = {
        "requirement_code": codes[40],
        "result": "major_nonconformity",
        "finding": "No hay registro de consumo de agua por proceso.",
    }
    results[7] = {
        "requirement_code": codes[7],
        "result": "observation",
        "finding": "Mejorar la señalización.",
    }
    c.call("PUT", f"{pre}/results", as_=AUDITOR, json={"results": results})
    failed = c.call("POST", f"{pre}/conclude", as_=AUDITOR)
    if failed["status"] != "failed":
        raise JourneyError(f"a pre-audit with non-conformities must fail, got {failed['status']}")
    j.note(
        f"failed: {failed['minor']} minor, {failed['major']} major; remediate by {failed['remediation_deadline']}"
    )

    j.step("The company remediates; the auditor verifies each corrective action")
    open_ncs = c.call(
        "GET", "/api/v1/audit/nonconformities", as_=j.company, params={"preaudit_id": preaudit["id"]}
    )
    for nc in open_ncs["data"]:
        c.call(
            "POST",
            f"/api/v1/audit/nonconformities/{nc['id']}/corrective-actions",
            as_=j.company,
            expect=(200, 201),
            json={
                "description": f"Corrección de {nc['requirement_code']}",
                "root_cause": "Falta de procedimiento",
            },
        )
        c.call(
            "POST",
            f"/api/v1/audit/nonconformities/{nc['id']}/verification",
            as_=AUDITOR,
            expect=(200, 201),
            json={"accepted": True, "note": "Evidencia conforme"},
        )
    passed = c.call("GET", pre, as_=AUDITOR)
    if passed["status"] != "passed":
        raise JourneyError(f"with every non-conformity closed the pre-audit passes, got {passed['status']}")
    j.note("pre-audit passed: audit.preaudit.passed is on its way")

    j.step("Enrollment makes the participant certification-eligible (both upstream events in)")
    j.until(
        "enrollment: certification-eligible",
        lambda: c.call("GET", f"/api/v1/enrollment/applications/{participant}", as_=OFFICER)["certification"][
            "eligible_at"
        ],
    )
    j.until(
        "audit hears enrollment.participant.certification_eligible",
        lambda: c.call("GET", f"/api/v1/audit/participants/{participant}", as_=AUDITOR)["eligible_at"],
    )


def certify(j: Journey) -> None:
    c = j.client
    participant = j.facts["participant_id"]
    j.step("The organisation hires an authorised certification body, which approves the audit")
    body = c.call(
        "POST",
        "/api/v1/audit/certification-bodies",
        as_=OFFICER,
        expect=201,
        idempotent=True,
        json={
            "name": f"Certificadora Andina {j.ruc[-4:]} S.A.C.",
            "ruc": complete_ruc("20" + j.ruc[2:10][::-1]),
            "authorisation_number": f"PROMPERU-OC-{j.today.year}-{j.ruc[-3:]}",
            "valid_from": str(j.today - timedelta(days=30)),
            "valid_to": str(j.today + timedelta(days=3 * 365)),
        },
    )
    body_as = ("certification_body", {"body_id": body["id"]})
    audit = c.call(
        "POST",
        "/api/v1/audit/certification-audits",
        as_=j.company,
        expect=201,
        idempotent=True,
        json={
            "participant_id": participant,
            "body_id": body["id"],
            "organisation_pays": True,
            "payment_reference": "F001-000123",
            "fee_pen": "4500.00",
        },
    )
    path = f"/api/v1/audit/certification-audits/{audit['id']}"
    c.call("POST", f"{path}/schedule", as_=body_as, json={"audit_date": str(j.today)})
    decision = c.call("POST", f"{path}/decision", as_=body_as, json={"approved": True, "note": "Conforme"})
    certificate = decision["certificate"]
    j.facts["certificate"] = certificate["number"]
    j.note(f"certificate {certificate['number']}: {certificate['issued_on']} → {certificate['expires_on']}")

    j.step("The public catalogue lists it and a foreign buyer verifies the number (no login)")
    j.until(
        "the catalogue shows the organisation",
        lambda: any(
            o["ruc"] == j.ruc
            for o in c.call("GET", "/api/v1/catalog/organisations", params={"q": j.profile.search})["data"]
        ),
    )
    verification = c.call("GET", f"/api/v1/catalog/certificates/{certificate['number']}/verification")
    if verification["status"] != "valid":
        raise JourneyError(f"expected a valid certificate, got {verification}")
    j.note(f"verification: {verification}")
    j.facts["expires_on"] = certificate["expires_on"]


def expire(j: Journey) -> None:
    c = j.client
    j.step("Two years later the daily expiry pass runs (the clock moved to the expiry date)")
    result = c.call(
        "POST", "/api/v1/audit/certificates/expiry-pass", as_=OFFICER, params={"as_of": j.facts["expires_on"]}
    )
    j.note(f"expiry pass: {result}")
    number = j.facts["certificate"]
    j.until(
        "the verification says expired",
        lambda: c.call("GET", f"/api/v1/catalog/certificates/{number}/verification")["status"] == "expired",
    )
    listed = c.call("GET", "/api/v1/catalog/organisations", params={"q": j.profile.search})["data"]
    if any(o["ruc"] == j.ruc for o in listed):
        raise JourneyError(
            "an expired certificate's holder must leave the catalogue of certified organisations"
        )
    j.note("the organisation left the catalogue of certified organisations")


def run(
    base_url: str | None = None,
    *,
    log: Callable[[str], None] = print,
    wait_seconds: float = 60.0,
    client: PlatformClient | None = None,
) -> Journey:
    """The whole journey; ``client`` replaces the plain HTTP one (a generated client's adapter)."""
    client = client or PlatformClient(base_url or gateway_url(), log=log)
    journey = Journey(client, wait_seconds=wait_seconds)
    started = time.monotonic()
    try:
        for stage in STAGES:
            stage(journey)
    finally:
        client.close()
    log(f"\n✔ the whole programme in {time.monotonic() - started:.1f} s for RUC {journey.ruc}")
    return journey


STAGES: list[Callable[[Journey], None]] = [enroll, train, assess_and_preaudit, certify, expire]


def main() -> int:
    try:
        run()
    except JourneyError as exc:
        print(f"\n✘ {exc}", file=sys.stderr)
        return 1
    return 0
