"""Test data and callers for the audit tests: real events on Kafka, real HTTP calls."""

from __future__ import annotations

import asyncio
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import httpx
import sqlalchemy as sa

from services.audit.db.tables import MESSAGING
from shared.auth import Role
from shared.clock import Clock
from shared.events.contracts.enrollment import (
    MonitorRef,
    ParticipantAdmitted,
    ParticipantCertificationEligible,
)
from shared.events.contracts.training import AssistanceLogged, ProgramCompleted
from shared.ruc import complete_ruc
from shared.settings import Settings
from tests.support.testing import TopicReader, eventually, identity_headers, publish_event

API = "/api/v1/audit"


def lima_today() -> date:
    return Clock().today()


def new_ruc() -> str:
    """A random company RUC that passes SUNAT's check digit."""
    return complete_ruc("20" + "".join(random.choices("0123456789", k=8)))


@dataclass
class Company:
    """A participant admitted through a real ``enrollment.participant.admitted`` event."""

    settings: Settings
    participant_id: uuid.UUID = field(default_factory=uuid.uuid4)
    company_id: uuid.UUID = field(default_factory=uuid.uuid4)
    cohort_id: uuid.UUID = field(default_factory=uuid.uuid4)
    monitor_id: uuid.UUID = field(default_factory=uuid.uuid4)
    ruc: str = field(default_factory=new_ruc)
    legal_name: str = ""

    def __post_init__(self) -> None:
        self.legal_name = self.legal_name or f"Exportadora {self.ruc[-5:]} S.A.C."

    def as_company(self) -> dict[str, str]:
        return identity_headers(self.settings, Role.company, ruc=self.ruc)

    def as_monitor(self) -> dict[str, str]:
        return identity_headers(self.settings, Role.monitor, subject=str(self.monitor_id))

    def admitted(self) -> ParticipantAdmitted:
        return ParticipantAdmitted(
            participant_id=self.participant_id,
            company_id=self.company_id,
            ruc=self.ruc,
            legal_name=self.legal_name,
            cohort_id=self.cohort_id,
            cohort_name="Cohorte 2025",
            monitor=MonitorRef(monitor_id=self.monitor_id, name="Monitora Rosa Quispe"),
            admitted_at=datetime.now(UTC),
        )

    def training_completed(self) -> ProgramCompleted:
        return ProgramCompleted(
            participant_id=self.participant_id,
            company_id=self.company_id,
            ruc=self.ruc,
            cohort_id=self.cohort_id,
            workshops_attended=list(range(11)),
            completed_at=datetime.now(UTC),
        )

    def assistance_logged(self) -> AssistanceLogged:
        return AssistanceLogged(
            assistance_id=uuid.uuid4(),
            participant_id=self.participant_id,
            ruc=self.ruc,
            cohort_id=self.cohort_id,
            held_on=lima_today() - timedelta(days=7),
            mode="visit",
            duration_minutes=90,
            aspects=["A3", "A5"],
        )

    def eligible(self) -> ParticipantCertificationEligible:
        now = datetime.now(UTC)
        return ParticipantCertificationEligible(
            participant_id=self.participant_id,
            company_id=self.company_id,
            ruc=self.ruc,
            legal_name=self.legal_name,
            cohort_id=self.cohort_id,
            training_completed_at=now - timedelta(days=30),
            preaudit_passed_at=now - timedelta(days=1),
            eligible_at=now,
        )


# One auditor leads the tests' pre-audits (an auditor changes only the pre-audits it leads).
AUDITOR_SUBJECT = "auditor-jorge"


def headers(settings: Settings, role: Role | str, **kwargs) -> dict[str, str]:
    if Role(role) == Role.auditor:
        kwargs.setdefault("subject", AUDITOR_SUBJECT)
    return identity_headers(settings, role, **kwargs)


async def admit(client: httpx.AsyncClient, settings: Settings, *, ready: bool = True, **kwargs) -> Company:
    """Publish the admission on Kafka and wait until the audit service has consumed it.

    ``ready`` also publishes the training completion and one technical-assistance visit
    (the programme order before a pre-audit) and waits for both.
    """
    company = Company(settings, **kwargs)
    await asyncio.to_thread(publish_event, settings, company.admitted())
    officer = headers(settings, Role.promperu_officer)

    async def known():
        return (
            await client.get(f"{API}/participants/{company.participant_id}", headers=officer)
        ).status_code == 200

    await eventually(known, message=f"participant {company.participant_id} consumed")
    if ready:
        await prepare_for_preaudit(client, settings, company)
    return company


async def prepare_for_preaudit(client: httpx.AsyncClient, settings: Settings, company: Company) -> None:
    await asyncio.to_thread(publish_event, settings, company.training_completed())
    await asyncio.to_thread(publish_event, settings, company.assistance_logged())
    officer = headers(settings, Role.promperu_officer)

    async def ready():
        r = (await client.get(f"{API}/participants/{company.participant_id}", headers=officer)).json()
        return r.get("training_completed_at") is not None and (r.get("assistance_visits") or 0) >= 1

    await eventually(ready, message="training completion and assistance consumed")


async def make_eligible(client: httpx.AsyncClient, settings: Settings, company: Company) -> None:
    await asyncio.to_thread(publish_event, settings, company.eligible())
    officer = headers(settings, Role.promperu_officer)

    async def eligible():
        r = await client.get(f"{API}/participants/{company.participant_id}", headers=officer)
        return r.json().get("eligible_at") is not None

    await eventually(eligible, message="eligibility consumed")


async def requirement_codes(
    client: httpx.AsyncClient, settings: Settings, version: str = "current"
) -> list[str]:
    r = await client.get(f"{API}/standards/{version}", headers=headers(settings, Role.auditor))
    assert r.status_code == 200, r.text
    return [req["code"] for req in r.json()["requirements"]]


def results_for(codes: list[str], nonconformities: dict[str, str] | None = None) -> list[dict]:
    """Every requirement conforming except the given ones (code -> result)."""
    nonconformities = nonconformities or {}
    return [
        {"requirement_code": c, "result": nonconformities[c], "finding": f"Hallazgo en {c}"}
        if c in nonconformities
        else {"requirement_code": c, "result": "conforming"}
        for c in codes
    ]


async def run_preaudit(
    client: httpx.AsyncClient,
    settings: Settings,
    company: Company,
    nonconformities: dict[str, str] | None = None,
    *,
    audit_date: date | None = None,
    remediation_days: int | None = None,
) -> dict:
    """Schedule, start, record all 112 results and conclude; returns the concluded pre-audit."""
    auditor = headers(settings, Role.auditor)
    body = {"participant_id": str(company.participant_id), "audit_date": str(audit_date or lima_today())}
    if remediation_days:
        body["remediation_days"] = remediation_days
    r = await client.post(f"{API}/preaudits", json=body, headers=auditor)
    assert r.status_code == 201, r.text
    preaudit_id = r.json()["id"]
    assert (await client.post(f"{API}/preaudits/{preaudit_id}/start", headers=auditor)).status_code == 200
    codes = await requirement_codes(client, settings)
    r = await client.put(
        f"{API}/preaudits/{preaudit_id}/results",
        json={"results": results_for(codes, nonconformities)},
        headers=auditor,
    )
    assert r.status_code == 200, r.text
    r = await client.post(f"{API}/preaudits/{preaudit_id}/conclude", headers=auditor)
    assert r.status_code == 200, r.text
    return r.json()


async def register_body(client: httpx.AsyncClient, settings: Settings, **overrides) -> dict:
    today = lima_today()
    body = {
        "name": f"Certificadora {uuid.uuid4().hex[:6]} S.A.C.",
        "ruc": new_ruc(),
        "authorisation_number": f"OC-{uuid.uuid4().hex[:10]}",
        "valid_from": str(today - timedelta(days=365)),
        "valid_to": str(today + timedelta(days=365)),
    } | overrides
    r = await client.post(
        f"{API}/certification-bodies", json=body, headers=headers(settings, Role.promperu_officer)
    )
    assert r.status_code == 201, r.text
    return r.json()


async def published_events(
    engine, settings: Settings, topic: str, field: str, value: str, count: int
) -> list[dict]:
    """The events of ``topic`` whose payload has ``field == value``, asserted to be exactly ``count``.

    Waits until the outbox holds ``count`` such rows and the relay has put every one on
    Kafka (acknowledged), then reads the topic from its beginning to its end: whatever was
    published about this test's unique id is all there, and so would be a duplicate.
    """
    outbox = MESSAGING.outbox
    about = sa.and_(outbox.c.topic == topic, outbox.c.envelope["payload"][field].astext == value)

    async def relayed() -> bool:
        async with engine.connect() as conn:
            total, pending = (
                await conn.execute(
                    sa.select(sa.func.count(), sa.func.count().filter(outbox.c.published_at.is_(None))).where(
                        about
                    )
                )
            ).one()
        return total >= count and pending == 0

    await eventually(relayed, message=f"{count} {topic} event(s) relayed")
    reader = await asyncio.to_thread(TopicReader, settings, topic, from_beginning=True)
    try:
        await reader.wait_for(lambda e: e.get("payload", {}).get(field) == value, count=count)
        await asyncio.to_thread(reader.drain)
        found = [e for e in reader.envelopes() if e.get("payload", {}).get(field) == value]
    finally:
        reader.close()
    assert len(found) == count, found
    return found
