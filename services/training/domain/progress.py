"""A company's results per workshop, from the best presence of its people in each session.

The same function serves the completion re-evaluation, a company's progress page and the
cohort matrix, so the attendance rule of :mod:`presence` is applied in one place only.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from services.training.domain.curriculum import WORKSHOP_NUMBERS
from services.training.domain.presence import reaches_share, share


@dataclass(frozen=True)
class SessionPresence:
    """The best-attending person of one company in one session, and how many of its people came."""

    participant_id: uuid.UUID
    workshop_number: int
    session_id: uuid.UUID
    duration_minutes: int
    best_seconds: int
    people_present: int
    women_present: int = 0


@dataclass(frozen=True)
class WorkshopResult:
    workshop_number: int
    attended: bool
    best_share: float
    best_minutes: float
    attendees_present: int
    women_present: int


def workshop_results(
    presences: Iterable[SessionPresence], min_share: Decimal
) -> dict[uuid.UUID, dict[int, WorkshopResult]]:
    """participant -> workshop -> result.

    A workshop held in several sessions is attended if any session was; its share is the
    best share and its minutes and people the most of any of its sessions.
    """
    results: dict[uuid.UUID, dict[int, WorkshopResult]] = {}
    for p in presences:
        candidate = WorkshopResult(
            workshop_number=p.workshop_number,
            attended=reaches_share(p.best_seconds, p.duration_minutes, min_share),
            best_share=round(share(p.best_seconds, p.duration_minutes), 4),
            best_minutes=round(p.best_seconds / 60, 2),
            attendees_present=p.people_present,
            women_present=p.women_present,
        )
        per_workshop = results.setdefault(p.participant_id, {})
        current = per_workshop.get(p.workshop_number)
        if current is not None:
            candidate = WorkshopResult(
                workshop_number=p.workshop_number,
                attended=current.attended or candidate.attended,
                best_share=max(current.best_share, candidate.best_share),
                best_minutes=max(current.best_minutes, candidate.best_minutes),
                attendees_present=max(current.attendees_present, candidate.attendees_present),
                women_present=max(current.women_present, candidate.women_present),
            )
        per_workshop[p.workshop_number] = candidate
    return results


def attended_workshops(results: dict[int, WorkshopResult]) -> list[int]:
    return sorted(n for n, r in results.items() if r.attended)


@dataclass(frozen=True)
class ProgressCells:
    """A company's row of the cohort matrix: one cell per workshop 0-10 (None: nobody came)."""

    attended: list[bool]
    share: list[float | None]
    minutes: list[float | None]


def progress_cells(results: dict[int, WorkshopResult]) -> ProgressCells:
    cells = [results.get(n) for n in WORKSHOP_NUMBERS]
    return ProgressCells(
        attended=[bool(c and c.attended) for c in cells],
        share=[c.best_share if c else None for c in cells],
        minutes=[c.best_minutes if c else None for c in cells],
    )


@dataclass(frozen=True)
class WorkshopProgress:
    """One line of a company's progress page."""

    number: int
    title: str
    mandatory: bool
    attended: bool
    best_share: float | None
    minutes: float | None
    attendees_present: int


def workshop_progress(
    results: Mapping[int, WorkshopResult], titles: Mapping[int, str], mandatory: Collection[int]
) -> list[WorkshopProgress]:
    """Every workshop 0-10: mandatory or not, and what the company's best person reached."""
    lines = []
    for number in WORKSHOP_NUMBERS:
        result = results.get(number)
        lines.append(
            WorkshopProgress(
                number=number,
                title=titles[number],
                mandatory=number in mandatory,
                attended=bool(result and result.attended),
                best_share=result.best_share if result else None,
                minutes=result.best_minutes if result else None,
                attendees_present=result.attendees_present if result else 0,
            )
        )
    return lines
