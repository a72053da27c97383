"""People trained to deliver the methodologies: who counts as trained, what a certificate says.

A trainee counts as **trained** (and may get a certificate of attendance) when the hours attended
reach the training's ``min_share`` of its hours (80 % unless the training says otherwise), the same
rule the training service applies to companies' workshops, applied to one person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from shared.errors import RuleViolation

DEFAULT_MIN_SHARE = Decimal("0.80")


def is_trained(hours_attended: Decimal, hours: Decimal, min_share: Decimal) -> bool:
    return hours > 0 and hours_attended >= hours * min_share


@dataclass(frozen=True)
class CertificateFacts:
    trainee_id: str
    full_name: str
    dni: str | None
    institution: str
    kind: str
    training_title: str
    methodology_name: str
    organiser: str
    starts_on: date
    ends_on: date
    hours_attended: Decimal
    hours: Decimal
    issued_on: date

    def claims(self) -> dict[str, Any]:
        """What the QR's signed payload carries: enough to check the paper against it."""
        return {
            "typ": "circular_training",
            "id": self.trainee_id,
            "name": self.full_name,
            "institution": self.institution,
            "training": self.training_title,
            "methodology": self.methodology_name,
            "hours": float(self.hours_attended),
            "ends": self.ends_on.isoformat(),
            "issued": self.issued_on.isoformat(),
        }


def ensure_certifiable(
    *, full_name: str, hours_attended: Decimal, hours: Decimal, min_share: Decimal
) -> None:
    if not is_trained(hours_attended, hours, min_share):
        raise RuleViolation(
            "circular.not_trained",
            f"{full_name} attended {hours_attended:g} of {hours:g} hours; a certificate needs "
            f"{min_share:.0%} of them.",
            detail_es=f"{full_name} asistió {hours_attended:g} de {hours:g} horas; la constancia requiere "
            f"el {min_share:.0%}.",
        )
