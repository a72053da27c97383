"""Who may call what: the role sets of this service, named once (admin always passes).

Partner systems pass where listed only with the scope ``enrollment:read`` (GET) or
``enrollment:write`` (the rest) on their API key; finer limits (a company sees its own
RUC, a monitor its own participants) are applied by the handlers.
"""

from typing import Annotated

from fastapi import Depends

from shared.auth import Principal, Role, require_roles

Officer = Annotated[Principal, Depends(require_roles(Role.promperu_officer))]
CompanyOrOfficer = Annotated[Principal, Depends(require_roles(Role.company, Role.promperu_officer))]
CompanyRepresentative = Annotated[Principal, Depends(require_roles(Role.company))]
Registrar = Annotated[Principal, Depends(require_roles(Role.company, Role.promperu_officer, Role.partner))]
Importer = Annotated[Principal, Depends(require_roles(Role.promperu_officer, Role.partner))]
Reader = Annotated[
    Principal, Depends(require_roles(Role.company, Role.monitor, Role.promperu_officer, Role.partner))
]
FollowUpReader = Annotated[
    Principal, Depends(require_roles(Role.company, Role.monitor, Role.promperu_officer))
]
ReportReader = Annotated[Principal, Depends(require_roles(Role.promperu_officer, Role.partner))]
