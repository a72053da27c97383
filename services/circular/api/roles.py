"""Who may do what in circular: the ONLY module that calls ``require_roles`` (admin always passes).

- PROMPERÚ officers (the programme's staff, PRODUCE's included) record activities, import
  attendance sheets, record trainings and read everything behind login: the indicators, the people.
- Partner systems (a node's or a partner organiser's own system, with an API key holding
  ``circular:read`` / ``circular:write``) record their activities and sheets, and read only what
  they recorded (domain/access.py).
- Nobody else sees personal data: companies, monitors, auditors and certification bodies have no
  business here (403). The hub's aggregates are public and anonymous (no alias: ``public`` router).

The kernel has no node-scoped role (shared/auth.py ``Role``): a node's staff use an officer login or
their node's partner key; per-node scoping would need a kernel role or scope (see README).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from shared.auth import Principal, Role, require_roles

# promperu_officer, partner (circular:write), admin
ActivityWriter = Annotated[Principal, Depends(require_roles(Role.promperu_officer, Role.partner))]
# promperu_officer, partner (circular:read, its own records only), admin
ActivityReader = Annotated[Principal, Depends(require_roles(Role.promperu_officer, Role.partner))]
# promperu_officer, admin: trainings of specialists and officials, their certificates
TrainingWriter = Annotated[Principal, Depends(require_roles(Role.promperu_officer))]
TrainingReader = Annotated[Principal, Depends(require_roles(Role.promperu_officer))]
# promperu_officer, admin: the indicators with their breakdowns and exports
IndicatorReader = Annotated[Principal, Depends(require_roles(Role.promperu_officer))]
# promperu_officer, admin: micro-course enrolment lists (import) and the learners (numbers masked)
MicrocourseImporter = Annotated[Principal, Depends(require_roles(Role.promperu_officer))]
LearnerReader = Annotated[Principal, Depends(require_roles(Role.promperu_officer))]
# promperu_officer, admin: record a company's transition journey (commit, follow up, finish, abandon)
JourneyWriter = Annotated[Principal, Depends(require_roles(Role.promperu_officer))]
# promperu_officer, company (its own journeys only: domain/access.py), admin
JourneyReader = Annotated[Principal, Depends(require_roles(Role.promperu_officer, Role.company))]
