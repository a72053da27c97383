"""What each listing may be narrowed by: the query parameters of a list route, passed as one
value through the handler (which narrows it to what the caller may see, ``access.narrow``)
to the repository (which filters by it). A field left out (None) filters nothing; every
other field names the column it must equal, except where a docstring says otherwise.
"""

from __future__ import annotations

import uuid

from pydantic import BaseModel, Field

from services.audit.domain.lifecycles import (
    CertificateStatus,
    CertificationAuditStatus,
    NonconformityStatus,
    PreauditStatus,
)


class ByCompany(BaseModel):
    """A listing a company sees only for its own RUC."""

    ruc: str | None = None


class ByBody(BaseModel):
    """A listing a certification body sees only for its own ``body_id``."""

    body_id: uuid.UUID | None = None


class ParticipantFilter(ByCompany):
    """``eligible``: whether enrollment declared it certification-eligible (not a column)."""

    monitor_id: uuid.UUID | None = None
    cohort_id: uuid.UUID | None = None
    eligible: bool | None = Field(None, description="certification-eligible or not")


class SelfAssessmentFilter(ByCompany):
    participant_id: uuid.UUID | None = None


class EvidenceFilter(BaseModel):
    requirement_code: str | None = None


class PreauditFilter(ByCompany):
    participant_id: uuid.UUID | None = None
    status: PreauditStatus | None = None
    auditor: str | None = None


class NonconformityFilter(ByCompany):
    preaudit_id: uuid.UUID | None = None
    status: NonconformityStatus | None = None


class BodyFilter(BaseModel):
    active: bool | None = None


class CertificationAuditFilter(ByBody, ByCompany):
    participant_id: uuid.UUID | None = None
    status: CertificationAuditStatus | None = None


class CertificateFilter(ByBody, ByCompany):
    status: CertificateStatus | None = None
