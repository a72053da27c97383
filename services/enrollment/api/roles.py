"""Who may call what: this service's role aliases, the only place ``require_roles`` is called.

Each alias is named after what it admits the caller to do (admin always passes). Partner
systems pass where listed only with the scope ``enrollment:read`` (GET) or
``enrollment:write`` (the rest) on their API key. Per-record limits (a company sees its
own RUC, a monitor its own participants) are domain/access.py's.
"""

from typing import Annotated

from fastapi import Depends

from shared.auth import Principal, Role, require_roles

_officer = (Role.promperu_officer,)
_company_or_officer = (Role.company, Role.promperu_officer)
_programme_readers = (Role.company, Role.monitor, Role.promperu_officer, Role.partner)
_follow_up = (Role.company, Role.monitor, Role.promperu_officer)

# company, promperu_officer, partner
CompanyRegistrar = Annotated[
    Principal, Depends(require_roles(Role.company, Role.promperu_officer, Role.partner))
]
# promperu_officer, partner
CompanyImporter = Annotated[Principal, Depends(require_roles(Role.promperu_officer, Role.partner))]
# company (its own), promperu_officer
CompanyEditor = Annotated[Principal, Depends(require_roles(*_company_or_officer))]
# promperu_officer: PROMPERÚ accounts, deleting a company registered by mistake
CompanyAdministrator = Annotated[Principal, Depends(require_roles(*_officer))]
# company (its own), monitor (those it follows), promperu_officer, partner
CompanyReader = Annotated[Principal, Depends(require_roles(*_programme_readers))]

# company, monitor, promperu_officer, partner
CohortReader = Annotated[Principal, Depends(require_roles(*_programme_readers))]
# promperu_officer
CohortManager = Annotated[Principal, Depends(require_roles(*_officer))]
# promperu_officer: reads monitors and their load too
MonitorManager = Annotated[Principal, Depends(require_roles(*_officer))]

# company (its own), monitor (those it follows), promperu_officer, partner
ApplicationReader = Annotated[Principal, Depends(require_roles(*_programme_readers))]
# company (its own), promperu_officer: start, submit, withdraw
Applicant = Annotated[Principal, Depends(require_roles(*_company_or_officer))]
# company (its own legal representative): the sworn declaration, the commitment letter
LegalRepresentative = Annotated[Principal, Depends(require_roles(Role.company))]
# promperu_officer: evaluate, admit, waitlist, reject, issue the letter, activate, complete, reassign
ApplicationDecider = Annotated[Principal, Depends(require_roles(*_officer))]
# company (its own), monitor (those it follows), promperu_officer
EligibilityReportReader = Annotated[Principal, Depends(require_roles(*_follow_up))]
# company (its own), monitor (those it follows), promperu_officer: the page and the PDF
CommitmentLetterReader = Annotated[Principal, Depends(require_roles(*_follow_up))]

# promperu_officer, partner
RegionReportReader = Annotated[Principal, Depends(require_roles(Role.promperu_officer, Role.partner))]
