"""The life of an application, as an explicit transition table.

An application becomes the *participant* once admitted (its id is the participant_id in
every event). Eligibility can flip between eligible and ineligible while the company's
data changes before admission; after admission only the programme's own steps move it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from services.enrollment.domain.regions import ensure_region
from shared.errors import InvalidTransition


class Status(StrEnum):
    draft = "draft"
    submitted = "submitted"
    eligible = "eligible"
    ineligible = "ineligible"
    admitted = "admitted"
    waitlisted = "waitlisted"
    rejected = "rejected"
    commitment_issued = "commitment_issued"
    commitment_signed = "commitment_signed"
    active = "active"
    withdrawn = "withdrawn"
    completed = "completed"


S = Status
TRANSITIONS: dict[Status, tuple[Status, ...]] = {
    S.draft: (S.submitted, S.withdrawn),
    S.submitted: (S.eligible, S.ineligible, S.withdrawn),
    S.eligible: (S.admitted, S.waitlisted, S.rejected, S.ineligible, S.withdrawn),
    S.ineligible: (S.eligible, S.rejected, S.withdrawn),
    S.waitlisted: (S.admitted, S.rejected, S.ineligible, S.withdrawn),
    S.admitted: (S.commitment_issued, S.withdrawn),
    S.commitment_issued: (S.commitment_signed, S.withdrawn),
    S.commitment_signed: (S.active, S.withdrawn),
    S.active: (S.completed, S.withdrawn),
    S.rejected: (),
    S.withdrawn: (),
    S.completed: (),
}

# A participant holds a seat in its cohort and a monitor's attention.
PARTICIPANT_STATES: frozenset[Status] = frozenset(
    {S.admitted, S.commitment_issued, S.commitment_signed, S.active}
)
SEAT_HOLDING_STATES: frozenset[Status] = PARTICIPANT_STATES | {S.completed}
# Re-evaluated when the company's data change: evaluated, not yet admitted.
REEVALUATED_STATES: frozenset[Status] = frozenset({S.eligible, S.ineligible, S.waitlisted})
# Where a participant may become certification-eligible.
CERTIFIABLE_STATES: frozenset[Status] = SEAT_HOLDING_STATES


def allowed_from(current: Status) -> list[Status]:
    return list(TRANSITIONS[current])


def _values(statuses: list[Status]) -> list[str]:
    return [s.value for s in statuses]


def ensure_transition(current: Status | str, target: Status | str) -> None:
    """Raise InvalidTransition (409, listing the allowed targets) unless current -> target exists."""
    current, target = Status(current), Status(target)
    if target not in TRANSITIONS[current]:
        raise InvalidTransition("Application", current.value, target.value, _values(allowed_from(current)))


def status_after_evaluation(current: Status | str, eligible: bool) -> Status:
    """Where an (re-)evaluation leaves an application; the same status means no move."""
    current = Status(current)
    if current in (S.submitted, S.eligible, S.ineligible):
        return S.eligible if eligible else S.ineligible
    if current == S.waitlisted:
        return S.waitlisted if eligible else S.ineligible
    raise InvalidTransition(
        "Application", current.value, "eligible/ineligible", _values(allowed_from(current))
    )


@dataclass(frozen=True)
class ApplicationFilters:
    """What a listing of applications may be narrowed by (all optional)."""

    cohort_id: uuid.UUID | None = None
    statuses: tuple[Status, ...] = ()
    region: str | None = None
    women_led: bool | None = None
    ruc: str | None = None
    monitor_id: uuid.UUID | None = None  # followed by this monitor now
    certification_eligible: bool | None = None

    def __post_init__(self) -> None:
        if self.region:  # the official name, or 422 region.unknown
            object.__setattr__(self, "region", ensure_region(self.region))
