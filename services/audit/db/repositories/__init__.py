"""Repositories: one per aggregate, verbs get / get_or_raise / list / create / update.

They run Core statements on the unit of work's session and never commit.
"""

from services.audit.db.repositories.bodies import BodyRepository
from services.audit.db.repositories.certificates import CertificateRepository, MarkLicenceRepository
from services.audit.db.repositories.certification_audits import CertificationAuditRepository
from services.audit.db.repositories.nonconformities import NonconformityRepository
from services.audit.db.repositories.participants import ParticipantRepository
from services.audit.db.repositories.preaudits import PreauditRepository
from services.audit.db.repositories.self_assessments import SelfAssessmentRepository
from services.audit.db.repositories.standards import StandardRepository

__all__ = [
    "BodyRepository",
    "CertificateRepository",
    "CertificationAuditRepository",
    "MarkLicenceRepository",
    "NonconformityRepository",
    "ParticipantRepository",
    "PreauditRepository",
    "SelfAssessmentRepository",
    "StandardRepository",
]
