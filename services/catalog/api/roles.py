"""Who the catalog's authenticated routes admit: the only place ``require_roles`` is called.

Admin always passes (kernel rule); the per-record rules are in ``domain/access.py``. The
catalogue, verification, the circularity calculator and the hub's reading are public.
"""

from typing import Annotated

from fastapi import Depends

from shared.auth import Principal, Role, require_roles

# Curates the hub's resources and reviews success stories: promperu_officer.
HubCurator = Annotated[Principal, Depends(require_roles(Role.promperu_officer))]
# Writes, edits and submits its own success stories: company.
StoryAuthor = Annotated[Principal, Depends(require_roles(Role.company))]
# Reads success stories in any state (a company its own): company, promperu_officer.
SubmissionReader = Annotated[Principal, Depends(require_roles(Role.company, Role.promperu_officer))]
# Reads the programme indicators: promperu_officer, partner.
IndicatorReader = Annotated[Principal, Depends(require_roles(Role.promperu_officer, Role.partner))]
