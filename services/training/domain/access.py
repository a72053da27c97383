"""Who may act for which company in training: the kernel's rules (shared/access.py) applied.

- a company: only its own participation, and only its own cohort's sessions;
- a monitor: records, corrects and deletes attendance, registers and corrects attendees and
  logs technical assistance only for the companies assigned to it (attendance decides
  completion, and so certification eligibility); any other company is 404;
- officers and admins: everything; partner systems: what their scopes allow.
"""

from __future__ import annotations

from typing import Protocol

from shared.access import ensure_monitor_of, is_assigned_monitor
from shared.auth import Principal, Role


class ParticipantLike(Protocol):
    participant_id: object
    monitor_id: object
    monitor_subject: str | None


def ensure_may_act_for(principal: Principal, participant: ParticipantLike) -> None:
    """Writes about a company's people and presence: a monitor only for its own companies."""
    ensure_monitor_of(
        principal,
        what="Participant",
        ident=participant.participant_id,
        monitor_subject=participant.monitor_subject,
        monitor_id=participant.monitor_id,  # type: ignore[arg-type]
    )


def may_act_for(principal: Principal, participant: ParticipantLike) -> bool:
    if principal.role != Role.monitor:
        return True
    return is_assigned_monitor(
        principal,
        monitor_subject=participant.monitor_subject,
        monitor_id=participant.monitor_id,  # type: ignore[arg-type]
    )
