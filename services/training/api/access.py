"""Who may do what in training (admin always passes; partners need ``training:read|write``).

The roles each route admits are here; what a caller may touch within them follows the
kernel's rules (shared/access.py), applied in services/training/domain/access.py:

- PROMPERU officers manage cohort settings, sessions and attendance;
- monitors record attendance and technical assistance and read progress, for the companies
  assigned to them only;
- a company reads only its own participation: progress, attendees, certificates,
  follow-up timeline, and its own cohort's sessions (their meeting links included);
- partner systems (e.g. a meeting platform) read, and record attendance with write scope.
"""

from __future__ import annotations

import uuid
from typing import Annotated

import sqlalchemy as sa
from fastapi import Depends

from services.training.db import queries
from shared.auth import Principal, Role, require_roles
from shared.errors import NotFound

Officer = Annotated[Principal, Depends(require_roles(Role.promperu_officer))]
AttendanceWriter = Annotated[
    Principal, Depends(require_roles(Role.promperu_officer, Role.monitor, Role.partner))
]
AttendeeEditor = Annotated[Principal, Depends(require_roles(Role.promperu_officer, Role.monitor))]
AssistanceWriter = Annotated[Principal, Depends(require_roles(Role.monitor, Role.promperu_officer))]
StaffReader = Annotated[
    Principal,
    Depends(require_roles(Role.promperu_officer, Role.monitor, Role.auditor, Role.partner)),
]
CompanyOrStaffReader = Annotated[
    Principal,
    Depends(require_roles(Role.company, Role.promperu_officer, Role.monitor, Role.auditor, Role.partner)),
]


async def visible_participant(conn, principal: Principal, participant_id: uuid.UUID) -> sa.Row:
    """The participant, if it exists and the caller may see it (a company: only itself)."""
    row = await queries.get_participant(conn, participant_id)
    if row is None:
        raise NotFound(
            "Participant", participant_id, detail_es=f"La empresa participante {participant_id} no existe."
        )
    principal.ensure_company(row.ruc)
    return row


def company_scope(principal: Principal, ruc: str | None) -> str | None:
    """The RUC a listing is limited to: a company always sees only its own."""
    if principal.role == Role.company:
        if ruc is not None:
            principal.ensure_company(ruc)
        return principal.ruc or ""
    return ruc


async def visible_cohorts(conn, principal: Principal) -> set[uuid.UUID] | None:
    """The cohorts whose sessions the caller may see: a company only its own; None is all."""
    if principal.role != Role.company:
        return None
    return await queries.cohorts_of_ruc(conn, principal.ruc or "")
