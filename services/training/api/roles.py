"""Who may call which training route: the only module that calls ``require_roles``.

Admin always passes; a partner system needs the scope ``training:read`` (GET) or
``training:write``. What a caller may touch within its role is decided per record in
services/training/domain/access.py (a company: its own; a monitor: its companies).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from shared.auth import Principal, Role, require_roles

_STAFF = (Role.promperu_officer, Role.monitor, Role.auditor, Role.partner)

# officer: the programme's settings and calendar
CohortSettingsEditor = Annotated[Principal, Depends(require_roles(Role.promperu_officer))]
SessionPlanner = Annotated[Principal, Depends(require_roles(Role.promperu_officer))]
# officer, monitor (its companies), partner (a meeting platform)
AttendanceWriter = Annotated[
    Principal, Depends(require_roles(Role.promperu_officer, Role.monitor, Role.partner))
]
# officer, monitor (its companies)
AttendeeEditor = Annotated[Principal, Depends(require_roles(Role.promperu_officer, Role.monitor))]
AssistanceWriter = Annotated[Principal, Depends(require_roles(Role.monitor, Role.promperu_officer))]
# officer, monitor, auditor, partner: programme-wide reads
CohortReader = Annotated[Principal, Depends(require_roles(*_STAFF))]
AssistanceLogReader = Annotated[Principal, Depends(require_roles(*_STAFF))]
# a company (its own only) and the staff
ParticipationReader = Annotated[Principal, Depends(require_roles(Role.company, *_STAFF))]
