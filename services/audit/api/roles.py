"""Who may call each audit route: the only module that calls ``require_roles`` (conventions §4).

Each alias is named after what it admits the caller to do; admin always passes (kernel rule).
What a caller may do with one record is decided afterwards by ``domain/access.py``.
"""

from typing import Annotated

from fastapi import Depends

from shared.auth import Principal, Role, require_roles

R = Role
_EVERY_ROLE = require_roles(
    R.company, R.monitor, R.promperu_officer, R.auditor, R.certification_body, R.partner
)

# The standard's versions and the registry of bodies: every signed-in role reads them.
ReferenceReader = Annotated[Principal, Depends(_EVERY_ROLE)]
# Import a version, make it current (officer); approve one as official (admin only).
StandardImporter = Annotated[Principal, Depends(require_roles(R.promperu_officer))]
StandardApprover = Annotated[Principal, Depends(require_roles(R.admin))]
# Register and change the authorised certification bodies (officer).
BodyRegistrar = Annotated[Principal, Depends(require_roles(R.promperu_officer))]

# A company's audit file (participant, self-assessment, evidence, pre-audits, non-conformities):
# read by itself, its monitor, PROMPERÚ and the auditors; written by all of them but the auditors.
CompanyFileReader = Annotated[
    Principal, Depends(require_roles(R.company, R.monitor, R.promperu_officer, R.auditor))
]
CompanyFileWriter = Annotated[Principal, Depends(require_roles(R.company, R.monitor, R.promperu_officer))]
# The overdue report and a cohort's calibration: PROMPERÚ's follow-up (auditor, officer, monitor).
FollowUpReader = Annotated[Principal, Depends(require_roles(R.auditor, R.promperu_officer, R.monitor))]

# Schedule, start, record, conclude and cancel pre-audits (auditor, officer).
PreauditConductor = Annotated[Principal, Depends(require_roles(R.auditor, R.promperu_officer))]
# Accept or reject a corrective action (auditor).
CorrectiveActionVerifier = Annotated[Principal, Depends(require_roles(R.auditor))]

# Certification audits: the organisation requests, pays and cancels (or an officer for it); the body
# schedules (or an officer) and decides; everyone involved reads.
CertificationRequester = Annotated[Principal, Depends(require_roles(R.company, R.promperu_officer))]
CertificationScheduler = Annotated[
    Principal, Depends(require_roles(R.certification_body, R.promperu_officer))
]
CertificationDecider = Annotated[Principal, Depends(require_roles(R.certification_body))]
CertificationAuditReader = Annotated[
    Principal,
    Depends(require_roles(R.company, R.monitor, R.promperu_officer, R.auditor, R.certification_body)),
]

# Certificates are public facts once issued: partner systems (scope audit:read) may read them too.
CertificateReader = Annotated[Principal, Depends(_EVERY_ROLE)]
# Suspend, reinstate, withdraw a certificate or its mark licence; run the expiry pass (officer).
CertificateKeeper = Annotated[Principal, Depends(require_roles(R.promperu_officer))]
# Correct a wrong transition of a certificate (admin only).
CertificateCorrector = Annotated[Principal, Depends(require_roles(R.admin))]
