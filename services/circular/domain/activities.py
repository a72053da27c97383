"""Sensitisation activities: the rules that hold whatever records them (API, sheet, import)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from services.circular.domain.reference import ActivityKind, Methodology
from shared.errors import RuleViolation


class ImportMode(StrEnum):
    """How a sheet meets the attendance already recorded for its activity.

    ``merge`` (default) adds who is new and updates what the sheet says of known people and
    companies: uploading the same sheet twice, or two entrance sheets of one fair, is safe.
    ``replace`` makes the activity's attendance exactly the sheet's (a corrected sheet)."""

    merge = "merge"
    replace_all = "replace"


def ensure_held(held_on: date, today: date) -> None:
    """Attendance is recorded for activities that took place (Lima date), never ahead of them."""
    if held_on > today:
        raise RuleViolation(
            "circular.activity_not_held",
            f"The activity is held on {held_on}; its attendance can be recorded from that day.",
            detail_es=f"La actividad se realiza el {held_on}; su asistencia se registra desde ese día.",
        )


def default_methodology(kind: ActivityKind, methodology: Methodology | None) -> Methodology | None:
    """What the activity says; the micro-course is public awareness when its cohort says nothing."""
    if methodology is None and kind == ActivityKind.micro_course_cohort:
        return Methodology.public_awareness
    return methodology
