"""From the audit service's rows to its versioned event contracts (shared/events/contracts/audit.py).

One function per event, so what each event carries is decided in one place.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from services.audit.domain.levels import AspectTally, overall_level
from shared.events.contracts import audit as contracts


def self_assessment_updated(assessment: sa.Row, tallies: list[AspectTally], at: datetime):
    return contracts.SelfAssessmentUpdated(
        assessment_id=assessment.id,
        participant_id=assessment.participant_id,
        ruc=assessment.ruc,
        standard_version=assessment.standard_version,
        overall_level=overall_level(tallies),
        aspect_levels={t.aspect_code: t.level for t in tallies},
        updated_at=at,
    )


def preaudit_passed(preaudit: sa.Row, participant: sa.Row, at: datetime):
    return contracts.PreauditPassed(
        preaudit_id=preaudit.id,
        participant_id=preaudit.participant_id,
        company_id=participant.company_id,
        ruc=preaudit.ruc,
        cohort_id=participant.cohort_id,
        standard_version=preaudit.standard_version,
        passed_at=at,
    )


def preaudit_failed(preaudit: sa.Row, at: datetime):
    return contracts.PreauditFailed(
        preaudit_id=preaudit.id,
        participant_id=preaudit.participant_id,
        ruc=preaudit.ruc,
        nonconformities=preaudit.minor + preaudit.major,
        major=preaudit.major,
        minor=preaudit.minor,
        remediation_deadline=preaudit.remediation_deadline,
        failed_at=at,
    )


def nonconformity_closed(nc: sa.Row, at: datetime):
    return contracts.NonconformityClosed(
        nonconformity_id=nc.id,
        preaudit_id=nc.preaudit_id,
        participant_id=nc.participant_id,
        ruc=nc.ruc,
        closed_at=at,
    )


def certification_requested(audit: sa.Row):
    return contracts.CertificationRequested(
        certification_audit_id=audit.id,
        participant_id=audit.participant_id,
        ruc=audit.ruc,
        body_id=audit.body_id,
        requested_at=audit.requested_at,
    )


def certificate_issued(certificate: sa.Row, body: sa.Row, supersedes: sa.Row | None):
    return contracts.CertificateIssued(
        certificate_id=certificate.id,
        certificate_number=certificate.number,
        participant_id=certificate.participant_id,
        company_id=certificate.company_id,
        ruc=certificate.ruc,
        holder_name=certificate.holder_name,
        body_id=body.id,
        body_name=body.name,
        standard_version=certificate.standard_version,
        issued_on=certificate.issued_on,
        expires_on=certificate.expires_on,
        mark_use_until=certificate.mark_use_until,
        supersedes_certificate_number=supersedes.number if supersedes is not None else None,
    )


def certificate_suspended(certificate: sa.Row, reason: str, at: datetime):
    return contracts.CertificateSuspended(
        certificate_id=certificate.id,
        certificate_number=certificate.number,
        ruc=certificate.ruc,
        reason=reason,
        suspended_at=at,
    )


def certificate_reinstated(certificate: sa.Row, reason: str, at: datetime):
    return contracts.CertificateReinstated(
        certificate_id=certificate.id,
        certificate_number=certificate.number,
        ruc=certificate.ruc,
        reason=reason,
        expires_on=certificate.expires_on,
        reinstated_at=at,
    )


def certificate_withdrawn(certificate: sa.Row, reason: str, at: datetime):
    return contracts.CertificateWithdrawn(
        certificate_id=certificate.id,
        certificate_number=certificate.number,
        ruc=certificate.ruc,
        reason=reason,
        withdrawn_at=at,
    )


def certificate_expired(certificate: sa.Row):
    return contracts.CertificateExpired(
        certificate_id=certificate.id,
        certificate_number=certificate.number,
        ruc=certificate.ruc,
        expired_on=certificate.expires_on,
    )


_LICENCE_EVENTS = {
    "granted": contracts.MarkLicenceGranted,
    "suspended": contracts.MarkLicenceSuspended,
    "withdrawn": contracts.MarkLicenceWithdrawn,
    "expired": contracts.MarkLicenceExpired,
}


def mark_licence_changed(licence: sa.Row, at: datetime, *, previous: str | None = None):
    """Granted on issue; back to granted after a suspension is a reinstatement."""
    contract = (
        contracts.MarkLicenceReinstated
        if licence.status == "granted" and previous is not None
        else _LICENCE_EVENTS[licence.status]
    )
    return contract(
        licence_id=licence.id,
        certificate_id=licence.certificate_id,
        certificate_number=licence.certificate_number,
        ruc=licence.ruc,
        status=licence.status,
        valid_until=licence.valid_until,
        reason=licence.status_reason or "",
        changed_at=at,
    )
