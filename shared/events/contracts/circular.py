"""Events the circular service publishes (circular economy: sensitisation, people trained).

Identifiers and figures only (Ley 29733): attendees' and trainees' names and genders stay in the
circular service; what others may need is which company was reached, where, when and how.
"""

from __future__ import annotations

import uuid
from datetime import date

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
