"""Events the audit service publishes (v1)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from shared.events.envelope import EventContract


class SelfAssessmentUpdated(EventContract):
    TOPIC = "audit.selfassessment.updated"
    assessment_id: uuid.UUID
    participant_id: uuid.UUID
    ruc: str
    standard_version: str
    overall_level: float
    aspect_levels: dict[str, float] = {}
    updated_at: datetime


class PreauditPassed(EventContract):
    TOPIC = "audit.preaudit.passed"
    preaudit_id: uuid.UUID
    participant_id: uuid.UUID
    company_id: uuid.UUID | None = None
    ruc: str
    cohort_id: uuid.UUID | None = None
    standard_version: str
    passed_at: datetime


class PreauditFailed(EventContract):
    TOPIC = "audit.preaudit.failed"
    preaudit_id: uuid.UUID
    participant_id: uuid.UUID
    ruc: str
    nonconformities: int
    major: int
    minor: int
    remediation_deadline: date | None = None
    failed_at: datetime


class NonconformityClosed(EventContract):
    TOPIC = "audit.nonconformity.closed"
    nonconformity_id: uuid.UUID
    preaudit_id: uuid.UUID
    participant_id: uuid.UUID
    ruc: str
    closed_at: datetime


class CertificationRequested(EventContract):
    TOPIC = "audit.certification.requested"
    certification_audit_id: uuid.UUID
    participant_id: uuid.UUID
    ruc: str
    body_id: uuid.UUID
    requested_at: datetime


class CertificateIssued(EventContract):
    TOPIC = "audit.certificate.issued"
    certificate_id: uuid.UUID
    certificate_number: str
    participant_id: uuid.UUID
    company_id: uuid.UUID | None = None
    ruc: str
    holder_name: str
    body_id: uuid.UUID
    body_name: str
    standard_version: str
    issued_on: date
    expires_on: date
    # Added (optional): the right to use the mark runs with the certificate; a renewal names
    # the certificate it replaces so read models can retire that one.
    mark_use_until: date | None = None
    supersedes_certificate_number: str | None = None


class CertificateSuspended(EventContract):
    TOPIC = "audit.certificate.suspended"
    certificate_id: uuid.UUID
    certificate_number: str
    ruc: str
    reason: str
    suspended_at: datetime


class CertificateReinstated(EventContract):
    """A suspended certificate is valid again (added: without it a suspension never ends)."""

    TOPIC = "audit.certificate.reinstated"
    certificate_id: uuid.UUID
    certificate_number: str
    ruc: str
    reason: str | None = None
    expires_on: date
    reinstated_at: datetime


class CertificateWithdrawn(EventContract):
    TOPIC = "audit.certificate.withdrawn"
    certificate_id: uuid.UUID
    certificate_number: str
    ruc: str
    reason: str
    withdrawn_at: datetime


class CertificateExpired(EventContract):
    TOPIC = "audit.certificate.expired"
    certificate_id: uuid.UUID
    certificate_number: str
    ruc: str
    expired_on: date


class MarkLicenceChange(EventContract):
    """The right to use the mark, its own record (issue 14): granted with the certificate, then
    suspended, reinstated or withdrawn on its own; it ends at the latest with the certificate."""

    licence_id: uuid.UUID
    certificate_id: uuid.UUID
    certificate_number: str
    ruc: str
    status: str
    valid_until: date
    reason: str
    changed_at: datetime


class MarkLicenceGranted(MarkLicenceChange):
    TOPIC = "audit.marklicence.granted"


class MarkLicenceSuspended(MarkLicenceChange):
    TOPIC = "audit.marklicence.suspended"


class MarkLicenceReinstated(MarkLicenceChange):
    TOPIC = "audit.marklicence.reinstated"


class MarkLicenceWithdrawn(MarkLicenceChange):
    TOPIC = "audit.marklicence.withdrawn"


class MarkLicenceExpired(MarkLicenceChange):
    TOPIC = "audit.marklicence.expired"
