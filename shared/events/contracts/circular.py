"""Events the circular service publishes (circular economy: sensitisation, people trained, journeys).

Identifiers and figures only (Ley 29733): attendees' and trainees' names and genders stay in the
circular service; what others may need is which company was reached, where, when and how.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel

from shared.events.envelope import EventContract


class ActivityRecorded(EventContract):
    """A sensitisation activity (talk, workshop, fair, micro-course cohort) was recorded or its
    attendance changed; the counts are the activity's as of this event."""

    TOPIC = "circular.activity.recorded"
    KEY_FIELD = "activity_id"
    activity_id: uuid.UUID
    kind: str
    node: str
    held_on: date
    organiser_kind: str
    methodology: str | None = None
    companies: int = 0
    people: int = 0
    women: int = 0


class CompanySensitised(EventContract):
    """A company attended a sensitisation activity (once per company and activity). ``first`` is
    true when it is the first activity the programme records for this RUC: the company joins the
    "sensitised" count that day."""

    TOPIC = "circular.company.sensitised"
    ruc: str
    activity_id: uuid.UUID
    kind: str
    node: str
    held_on: date
    methodology: str | None = None
    first: bool = False
    women_led: bool | None = None
    manufacturing: bool | None = None
    size: str | None = None


class JourneyFigure(BaseModel):
    """One resource's figures with where each came from in the circular service's data."""

    resource: str  # energy | water | raw_material | waste
    unit: str  # kWh | m3 | kg (per year)
    baseline: Decimal
    after: Decimal
    unit_price: Decimal  # S/ per unit
    baseline_source: str  # circular/journeys/<id>#commitment
    after_source: str  # circular/journeys/<id>/follow-ups/<follow_up_id>
    measured_on: date


class JourneyFinished(EventContract):
    """A company's transition journey finished with its result measured: the figures a success
    story is drafted from (the catalog's hub drafts one), each traced to the journey's data.

    No personal data: the company (RUC and business name), the measure and the figures.
    """

    TOPIC = "circular.journey.finished"
    journey_id: uuid.UUID
    ruc: str
    legal_name: str  # the company's business name (an organisation, not a person)
    title: str
    measure: str
    node: str | None = None
    women_led: bool
    started_on: date
    finished_on: date
    investment: Decimal
    expected_annual_savings: Decimal
    mci_baseline: float
    mci_after: float | None = None
    figures: list[JourneyFigure]
    finished_at: datetime
