"""People of a participant company who attend the workshops.

Gender is kept for the programme's women indicators (how many women were trained);
``not_stated`` when the person or the meeting report did not say.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


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
