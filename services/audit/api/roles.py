"""Role sets of the audit API, named once (admin always passes ``require_roles``)."""

from shared.auth import Role, require_roles

R = Role

ANYONE = require_roles(R.company, R.monitor, R.promperu_officer, R.auditor, R.certification_body, R.partner)
OFFICER = require_roles(R.promperu_officer)
ADMIN = require_roles(R.admin)  # corrections and the official standard: an admin only
AUDITOR = require_roles(R.auditor)
AUDIT_STAFF = require_roles(R.auditor, R.promperu_officer)
FOLLOW_UP_STAFF = require_roles(R.auditor, R.promperu_officer, R.monitor)
# The company's own file: itself, its monitor, PROMPERÚ (rules per record in domain.access).
COMPANY_FILE_READ = require_roles(R.company, R.monitor, R.promperu_officer, R.auditor)
COMPANY_FILE_WRITE = require_roles(R.company, R.monitor, R.promperu_officer)
COMPANY_OR_OFFICER = require_roles(R.company, R.promperu_officer)
BODY_OR_OFFICER = require_roles(R.certification_body, R.promperu_officer)
BODY = require_roles(R.certification_body)
CERTIFICATION_READ = require_roles(R.company, R.monitor, R.promperu_officer, R.auditor, R.certification_body)
# Certificates are public facts once issued: partner systems (scope audit:read) may read them.
CERTIFICATE_READ = require_roles(
    R.company, R.monitor, R.promperu_officer, R.auditor, R.certification_body, R.partner
)
