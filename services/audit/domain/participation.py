"""What a participant must be for each step: still in the programme, and eligible for
certification (section III.4: only organisations that passed the pre-audit may start
the certification audit; enrollment decides eligibility and tells us by event)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from shared.errors import RuleViolation


class ParticipantState(Protocol):
    legal_name: str
    withdrawn_at: datetime | None
    eligible_at: datetime | None


def ensure_active(participant: ParticipantState) -> None:
    if participant.withdrawn_at is not None:
        raise RuleViolation(
            "participant_withdrawn",
            f"{participant.legal_name} withdrew from the programme; nothing new can be started for it.",
            detail_es=f"{participant.legal_name} se retiró del programa; no se puede iniciar nada nuevo.",
        )


def ensure_certification_eligible(participant: ParticipantState) -> None:
    ensure_active(participant)
    if participant.eligible_at is None:
        raise RuleViolation(
            "not_certification_eligible",
            f"{participant.legal_name} is not eligible for the certification audit yet: it must complete "
            "the training programme and pass the pre-audit with zero non-conformities first.",
            detail_es=f"{participant.legal_name} aún no puede solicitar la auditoría de certificación: debe "
            "completar las capacitaciones y aprobar la pre auditoría sin ninguna no conformidad.",
        )
