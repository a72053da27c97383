"""A cohort's training settings: which workshops are mandatory, the minimum share, durations.

Created with the programme's defaults when the first participant of a cohort arrives;
a PROMPERU officer may change them, which re-evaluates every participant's completion.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from services.training.domain.curriculum import MAX_SESSION_MINUTES, check_workshop_numbers
from shared.errors import RuleViolation

MIN_SHARE_FLOOR = Decimal("0.10")


@dataclass
class CohortSettings:
    cohort_id: uuid.UUID
    cohort_name: str
    mandatory_workshops: list[int]
    min_attendance_share: Decimal
    workshop_durations: dict[int, int]
    created_at: datetime
    updated_at: datetime
    updated_by: str | None


def check_mandatory(numbers: list[int]) -> list[int]:
    wanted = check_workshop_numbers(numbers, field="mandatory_workshops")
    if not wanted:
        raise RuleViolation(
            "mandatory_workshops_empty",
            "At least one workshop must be mandatory, or every company would complete on admission.",
            detail_es="Al menos un taller debe ser obligatorio; si no, toda empresa culminaría al ser admitida.",
        )
    return wanted


def check_min_share(share: Decimal) -> Decimal:
    if not MIN_SHARE_FLOOR <= share <= 1:
        raise RuleViolation(
            "min_share_out_of_range",
            f"The minimum attendance share is between {MIN_SHARE_FLOOR} and 1 (got {share}).",
            detail_es=f"La asistencia mínima está entre {MIN_SHARE_FLOOR} y 1 (se recibió {share}).",
        )
    return share


def check_durations(durations: Mapping[int, int]) -> dict[int, int]:
    check_workshop_numbers(durations, field="workshop_durations")
    bad = {n: m for n, m in durations.items() if not 1 <= m <= MAX_SESSION_MINUTES}
    if bad:
        raise RuleViolation(
            "duration_out_of_range",
            f"Workshop durations are between 1 and {MAX_SESSION_MINUTES} minutes: {bad}.",
            detail_es=f"Las duraciones van de 1 a {MAX_SESSION_MINUTES} minutos: {bad}.",
        )
    return dict(sorted(durations.items()))
