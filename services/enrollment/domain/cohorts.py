"""Programme editions (cohorts): a schedule that must make sense, and a window to apply."""

from __future__ import annotations

from datetime import date

from shared.errors import RuleViolation


def check_schedule(
    opens_on: date, closes_on: date, preaudit_on: date | None, certification_audit_on: date | None
) -> None:
    """Window opens before it closes; pre-audit after the window; certification after the pre-audit."""
    if closes_on < opens_on:
        raise RuleViolation(
            "cohort.window_order",
            f"The application window closes ({closes_on}) before it opens ({opens_on}).",
            detail_es=f"La convocatoria cierra ({closes_on}) antes de abrir ({opens_on}).",
        )
    if preaudit_on and preaudit_on <= closes_on:
        raise RuleViolation(
            "cohort.preaudit_after_window",
            f"The pre-audit ({preaudit_on}) must come after the application window closes ({closes_on}).",
            detail_es=f"La pre auditoría ({preaudit_on}) debe ser posterior al cierre ({closes_on}).",
        )
    if certification_audit_on and preaudit_on and certification_audit_on <= preaudit_on:
        raise RuleViolation(
            "cohort.certification_after_preaudit",
            f"The certification audit ({certification_audit_on}) must come after the pre-audit "
            f"({preaudit_on}).",
            detail_es=f"La auditoría de certificación ({certification_audit_on}) debe ser posterior a la "
            f"pre auditoría ({preaudit_on}).",
        )


def ensure_window_open(name: str, opens_on: date, closes_on: date, today: date) -> None:
    if not opens_on <= today <= closes_on:
        raise RuleViolation(
            "cohort.window_closed",
            f"Applications to {name} are accepted from {opens_on} to {closes_on}; today is {today}.",
            detail_es=f"Las postulaciones a {name} se reciben del {opens_on} al {closes_on}; hoy es {today}.",
        )
