"""Events the enrollment service publishes."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from shared.events.envelope import EventContract


class CompanySnapshot(EventContract):
    """The public face of a company: what the catalogue and indicators need."""

    company_id: uuid.UUID
    ruc: str
    legal_name: str
    trade_name: str | None = None
    region: str
    ciiu_code: str | None = None
    size_class: str | None = None
    women_led: bool = False
    website: str | None = None
    products: list[str] = []
    founded_on: date | None = None


class CompanyRegistered(CompanySnapshot):
    TOPIC = "enrollment.company.registered"


class CompanyUpdated(CompanySnapshot):
    TOPIC = "enrollment.company.updated"


class ApplicationSubmitted(EventContract):
    TOPIC = "enrollment.application.submitted"
    application_id: uuid.UUID
    company_id: uuid.UUID
    ruc: str
    cohort_id: uuid.UUID
    cohort_name: str
    submitted_at: datetime


class MonitorRef(BaseModel):
    """The follow-up monitor (a programme consultant): personal data that consumers need,
    see ``PERSONAL_DATA`` of the events carrying it."""

    monitor_id: uuid.UUID
    name: str
    email: str | None = None
    user_subject: str | None = Field(
        None, description="the monitor's login subject (`sub` of their token): how other services know them"
    )


class ParticipantAdmitted(EventContract):
    """A company admitted to a cohort; ``participant_id`` is its application's id."""

    TOPIC = "enrollment.participant.admitted"
    PERSONAL_DATA = {
        "monitor.name": "audit and training show each participant's follow-up monitor",
        "monitor.email": "training keeps the monitor's contact with the participant it follows",
    }
    participant_id: uuid.UUID
    company_id: uuid.UUID
    ruc: str
    legal_name: str
    cohort_id: uuid.UUID
    cohort_name: str
    region: str | None = None
    women_led: bool = False
    monitor: MonitorRef | None = None
    admitted_at: datetime


class MonitorReassigned(EventContract):
    """A participant's follow-up monitor changed (the admitted event named the first one)."""

    TOPIC = "enrollment.participant.monitor_reassigned"
    PERSONAL_DATA = {
        "monitor.name": "audit shows the participant's current follow-up monitor",
        "monitor.email": "kept in step with enrollment.participant.admitted's monitor",
    }
    participant_id: uuid.UUID
    company_id: uuid.UUID
    ruc: str
    cohort_id: uuid.UUID
    monitor: MonitorRef
    previous_monitor_id: uuid.UUID | None = None
    reason: str
    reassigned_at: datetime


def _commitment_signed_v1_to_v2(payload: dict[str, Any]) -> dict[str, Any]:
    """v1 carried the legal representative's name and DNI; v2 carries identifiers only."""
    payload.pop("signed_by_name", None)
    payload.pop("signed_by_dni", None)
    return payload


class CommitmentSigned(EventContract):
    """The company's legal representative signed the commitment letter.

    v2 (Ley 29733): the signer's name and DNI are no longer published (no consumer needs
    them; they stay in enrollment, on the application, where the letter shows them).
    """

    TOPIC = "enrollment.commitment.signed"
    VERSION = 2
    UPCASTERS = {1: _commitment_signed_v1_to_v2}
    participant_id: uuid.UUID
    company_id: uuid.UUID
    ruc: str
    cohort_id: uuid.UUID
    signed_at: datetime


class ParticipantWithdrawn(EventContract):
    TOPIC = "enrollment.participant.withdrawn"
    participant_id: uuid.UUID
    company_id: uuid.UUID
    ruc: str
    cohort_id: uuid.UUID
    reason: str | None = None
    withdrawn_at: datetime


class ParticipantCertificationEligible(EventContract):
    TOPIC = "enrollment.participant.certification_eligible"
    participant_id: uuid.UUID
    company_id: uuid.UUID
    ruc: str
    legal_name: str
    cohort_id: uuid.UUID
    training_completed_at: datetime
    preaudit_passed_at: datetime
    eligible_at: datetime


class CompanyDeleted(EventContract):
    """A company registered by mistake was removed (only possible before it ever applied)."""

    TOPIC = "enrollment.company.deleted"
    company_id: uuid.UUID
    ruc: str
    deleted_at: datetime
