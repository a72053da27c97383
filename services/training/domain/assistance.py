"""Technical assistance ("Asistencia técnica y seguimiento", section III.2 of the programme
document): each company has a follow-up monitor who visits or calls it while it
implements the standard's 8 aspects and 112 requirements."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from shared.errors import RuleViolation


class AssistanceMode(StrEnum):
    visit = "visit"
    call = "call"
    video_call = "video_call"


def check_assistance(*, held_on: date, next_visit_on: date | None, today: date) -> None:
    """A visit is logged after it happened, and the next one comes after it."""
    if held_on > today:
        raise RuleViolation(
            "assistance_in_future",
            f"Technical assistance is logged once held; {held_on} is after today ({today}, Lima).",
            detail_es=f"La asistencia técnica se registra una vez realizada; {held_on} es posterior a hoy ({today}).",
            extra={"errors": [{"field": "held_on", "in": "body", "message": "after today"}]},
        )
    if next_visit_on is not None and next_visit_on <= held_on:
        raise RuleViolation(
            "next_visit_not_after",
            "The next visit must come after this one.",
            detail_es="La próxima visita debe ser posterior a esta.",
            extra={"errors": [{"field": "next_visit_on", "in": "body", "message": "must be after held_on"}]},
        )
