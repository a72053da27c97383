"""Technical assistance ("Asistencia técnica y seguimiento", section III.2 of the programme
document): each company has a follow-up monitor who visits or calls it while it
implements the standard's 8 aspects and 112 requirements."""

from __future__ import annotations

import unicodedata
from datetime import date
from enum import StrEnum

from shared.auth import Principal, Role
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


# The standard's eight aspects (PBE III.2: "8 aspectos y 112 requisitos"), by code and name.
STANDARD_ASPECTS: dict[str, str] = {
    "A1": "Sistema de gestión y mejora continua",
    "A2": "Materias primas e insumos",
    "A3": "Agua",
    "A4": "Energía",
    "A5": "Gestión de residuos sólidos",
    "A6": "Costos ambientales de los procesos",
    "A7": "Mantenimiento de maquinaria, equipos e infraestructura",
    "A8": "Seguridad y salud en el trabajo",
}


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


_BY_KEY = {_fold(code): code for code in STANDARD_ASPECTS} | {
    _fold(name): code for code, name in STANDARD_ASPECTS.items()
}


def standard_aspects(given: list[str]) -> list[str]:
    """The aspect codes a visit worked on, each named by its code (A1-A8) or its name.

    Free text is refused with every unknown entry listed, so the follow-up log can be
    counted per aspect of the standard.
    """
    codes: list[str] = []
    errors = []
    for index, item in enumerate(given):
        code = _BY_KEY.get(_fold(item))
        if code is None:
            errors.append({"field": f"aspects[{index}]", "in": "body", "message": f"not an aspect: {item!r}"})
        elif code not in codes:
            codes.append(code)
    if errors:
        listed = "; ".join(f"{c} {n}" for c, n in STANDARD_ASPECTS.items())
        raise RuleViolation(
            "aspect_not_in_standard",
            f"Aspects are the standard's eight, by code or name: {listed}.",
            detail_es=f"Los aspectos son los ocho del estándar, por código o nombre: {listed}.",
            extra={"errors": errors},
        )
    return codes


def visit_monitor(principal: Principal, *, assigned_name: str | None, ruc: str) -> tuple[str | None, str]:
    """Who a visit is recorded for (login subject, name): a monitor logs its own visits; an
    officer logs one for the company's assigned monitor, and needs the company to have one."""
    if principal.role == Role.monitor:
        return principal.subject, principal.name or principal.subject
    if assigned_name:
        return None, assigned_name
    raise RuleViolation(
        "no_monitor_assigned",
        f"Company {ruc} has no follow-up monitor assigned: the visit has no monitor to be recorded for.",
        detail_es=f"La empresa {ruc} no tiene monitor asignado: la visita no tiene a quién atribuirse.",
    )
