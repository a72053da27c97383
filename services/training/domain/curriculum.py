"""The programme's workshops and the cohort defaults the annex implies.

The curriculum itself (titles, durations) is versioned data loaded by a migration; what
lives here are the rules around it: which workshops exist, which are mandatory unless a
cohort says otherwise, and how a session's duration is found.
Source: "Anexos - Cronograma de actividades" of the PROMPERU programme document.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from shared.errors import RuleViolation

WORKSHOP_NUMBERS = tuple(range(0, 11))
# Taller 0 is an introductory talk; the ten "módulos de capacitación" are Talleres 1-10.
DEFAULT_MANDATORY = tuple(range(1, 11))
DEFAULT_MIN_SHARE = Decimal("0.75")
MAX_SESSION_MINUTES = 12 * 60


def check_workshop_numbers(numbers: Iterable[int], *, field: str) -> list[int]:
    """Sorted, de-duplicated workshop numbers, refusing any outside Talleres 0-10."""
    wanted = sorted(set(numbers))
    unknown = [n for n in wanted if n not in WORKSHOP_NUMBERS]
    if unknown:
        raise RuleViolation(
            "unknown_workshop",
            f"{field}: workshops {unknown} do not exist; the curriculum has Talleres 0-10.",
            detail_es=f"{field}: los talleres {unknown} no existen; el programa tiene los Talleres 0-10.",
        )
    return wanted


def resolve_duration(
    workshop_number: int,
    *,
    explicit_minutes: int | None,
    cohort_overrides: Mapping[int, int],
    curriculum_minutes: int | None,
) -> int:
    """A session lasts what its creator says, else what the cohort set, else the curriculum's.

    The annex leaves Talleres 5, 6 and 10 without a duration: the cohort (or the session)
    must give one.
    """
    minutes = explicit_minutes or cohort_overrides.get(workshop_number) or curriculum_minutes
    if minutes is None:
        raise RuleViolation(
            "duration_required",
            f"Taller {workshop_number} has no duration in the curriculum: give the session's "
            "duration_minutes (or ends_at), or set the workshop's duration for the cohort.",
            detail_es=f"El Taller {workshop_number} no tiene duración en el cronograma: indique "
            "duration_minutes (o ends_at) de la sesión, o fije la duración para la cohorte.",
        )
    if not 1 <= minutes <= MAX_SESSION_MINUTES:
        raise RuleViolation(
            "duration_out_of_range",
            f"A session lasts between 1 and {MAX_SESSION_MINUTES} minutes (got {minutes}).",
            detail_es=f"Una sesión dura entre 1 y {MAX_SESSION_MINUTES} minutos (se recibió {minutes}).",
        )
    return minutes
