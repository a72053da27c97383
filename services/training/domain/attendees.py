"""People of a participant company who attend the workshops.

Gender is kept for the programme's women indicators (how many women were trained);
``not_stated`` when the person or the meeting report did not say.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from shared.errors import RuleViolation


class Gender(StrEnum):
    female = "female"
    male = "male"
    other = "other"
    not_stated = "not_stated"


@dataclass
class Attendee:
    attendee_id: uuid.UUID
    participant_id: uuid.UUID
    dni: str
    full_name: str
    job_role: str | None
    gender: str
    email: str | None
    created_at: datetime
    updated_at: datetime


class CompanyInCohort(Protocol):
    @property
    def ruc(self) -> str: ...
    @property
    def cohort_id(self) -> uuid.UUID: ...


def ensure_in_cohort(attendee: Attendee, *, company: CompanyInCohort, cohort_id: uuid.UUID) -> None:
    """A person's attendance counts in the sessions of their company's cohort only."""
    if company.cohort_id != cohort_id:
        raise RuleViolation(
            "attendee_not_in_cohort",
            f"{attendee.full_name} works for {company.ruc}, which is not in this session's cohort.",
            detail_es=f"{attendee.full_name} pertenece a {company.ruc}, que no es de la cohorte de esta sesión.",
        )
