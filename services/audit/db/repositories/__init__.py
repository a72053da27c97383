"""Repositories: one per aggregate on ``shared.repository.Repository`` (docs/conventions.md §1).

Keyword-only verbs get / get_or_raise / page / all_* / create / update / delete, ``for_update=``
to lock. They run on the unit of work's session (writes) or a read connection (reads) and
never commit nor decide access.
"""

from services.audit.db.repositories.bodies import BodyRepository
from services.audit.db.repositories.certificates import CertificateRepository, MarkLicenceRepository
from services.audit.db.repositories.certification_audits import CertificationAuditRepository
from services.audit.db.repositories.nonconformities import NonconformityRepository
from services.audit.db.repositories.participants import ParticipantRepository
from services.audit.db.repositories.preaudits import PreauditRepository
from services.audit.db.repositories.reports import ReportRepository
from services.audit.db.repositories.self_assessments import EvidenceRepository, SelfAssessmentRepository
from services.audit.db.repositories.standards import StandardRepository

__all__ = [
    "BodyRepository",
    "CertificateRepository",
    "CertificationAuditRepository",
    "EvidenceRepository",
    "MarkLicenceRepository",
    "NonconformityRepository",
    "ParticipantRepository",
    "PreauditRepository",
    "ReportRepository",
    "SelfAssessmentRepository",
    "StandardRepository",
]
