"""The certificate of attendance of one person ("Constancia de asistencia").

It lists the workshops the person attended for at least the cohort's minimum share: the
rule the programme uses for companies (:mod:`presence`), applied to one person. Before
the first such workshop there is nothing to certify.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from services.training.domain.presence import reaches_share
from shared.errors import RuleViolation


class SessionAttended(Protocol):
    """A held session a person has a record for."""

    @property
    def workshop_number(self) -> int: ...
    @property
    def title_es(self) -> str: ...
    @property
    def starts_at(self) -> datetime: ...
    @property
    def duration_minutes(self) -> int: ...
    @property
    def seconds_present(self) -> int: ...


@dataclass(frozen=True)
class CertifiedWorkshop:
    workshop_number: int
    title_es: str
    starts_at: datetime
    duration_minutes: int


@dataclass(frozen=True)
class AttendanceCertificate:
    attendee_id: uuid.UUID
    full_name: str
    dni: str
    company: str
    ruc: str
    cohort_name: str
    min_share: Decimal
    workshops: list[CertifiedWorkshop]

    @property
    def hours(self) -> float:
        return sum(w.duration_minutes for w in self.workshops) / 60

    def claims(self, issued: date) -> dict[str, Any]:
        """What the document's signed QR code carries: no DNI (anyone can read a QR)."""
        return {
            "typ": "attendance",
            "id": str(self.attendee_id),
            "name": self.full_name,
            "company": self.company,
            "ruc": self.ruc,
            "cohort": self.cohort_name,
            "workshops": [w.workshop_number for w in self.workshops],
            "hours": self.hours,
            "issued": issued.isoformat(),
        }


def certified_workshops(
    sessions: Iterable[SessionAttended], *, min_share: Decimal, full_name: str
) -> list[CertifiedWorkshop]:
    """The sessions attended for at least ``min_share``; 422 ``nothing_to_certify`` when none."""
    attended = [
        CertifiedWorkshop(s.workshop_number, s.title_es, s.starts_at, s.duration_minutes)
        for s in sessions
        if reaches_share(s.seconds_present, s.duration_minutes, min_share)
    ]
    if not attended:
        raise RuleViolation(
            "nothing_to_certify",
            f"{full_name} has not attended any workshop for at least {min_share:.0%} of it yet.",
            detail_es=f"{full_name} aún no asistió a ningún taller por al menos {min_share:.0%} de su duración.",
        )
    return attended
