"""Who may see and act for which company in training: the kernel's rules (shared/access.py) applied.

- a company: only its own participation, and only its own cohort's sessions;
- a monitor: records, corrects and deletes attendance, registers and corrects attendees and
  logs technical assistance only for the companies assigned to it (attendance decides
  completion, and so certification eligibility); any other company is 404;
- officers and admins: everything; partner systems: what their scopes allow.

Pure functions of the principal and a record's facts; handlers call them.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Protocol

from shared.access import hidden, is_assigned_monitor
from shared.auth import Principal, Role


class ParticipantLike(Protocol):
    @property
    def participant_id(self) -> uuid.UUID: ...
    @property
    def monitor_id(self) -> uuid.UUID | None: ...
    @property
    def monitor_subject(self) -> str | None: ...


def may_act_for(principal: Principal, participant: ParticipantLike) -> bool:
    """Writes about a company's people and presence: a monitor only for its own companies."""
    if principal.role != Role.monitor:
        return True
    return is_assigned_monitor(
        principal, monitor_subject=participant.monitor_subject, monitor_id=participant.monitor_id
    )


def ensure_may_act_for(
    principal: Principal, participant: ParticipantLike, *, what: str = "Participant"
) -> None:
    """:func:`may_act_for`, or 404 naming ``what`` (the caller may not know it exists)."""
    if not may_act_for(principal, participant):
        raise hidden(what, participant.participant_id)


def company_scope(principal: Principal, ruc: str | None) -> str | None:
    """The RUC a listing is limited to: a company always sees only its own (None: every company)."""
    if principal.role == Role.company:
        if ruc is not None:
            principal.ensure_company(ruc)
        return principal.ruc or ""
    return ruc


def sees_own_cohorts_only(principal: Principal) -> bool:
    """A company sees the sessions of the cohorts it takes part in; staff see every cohort's."""
    return principal.role == Role.company


def ensure_may_see_session(
    *, session_id: uuid.UUID, cohort_id: uuid.UUID, own_cohorts: Collection[uuid.UUID] | None
) -> None:
    """``own_cohorts``: the cohorts the caller is limited to (None: every cohort); others are 404."""
    if own_cohorts is not None and cohort_id not in own_cohorts:
        raise hidden("Session", session_id)
