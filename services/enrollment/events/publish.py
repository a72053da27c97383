"""Domain facts -> versioned contracts (shared/events/contracts/enrollment.py).

The mapping lives here, once, so the JSON API, the CSV import and the consumers publish
identical payloads for identical facts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from shared.events.contracts.enrollment import (
    ApplicationSubmitted,
    CommitmentSigned,
    CompanyDeleted,
    CompanyRegistered,
    CompanySnapshot,
    CompanyUpdated,
    MonitorReassigned,
    MonitorRef,
    ParticipantAdmitted,
    ParticipantCertificationEligible,
    ParticipantWithdrawn,
)

# The snapshot is exactly the contract's fields; the row calls company_id "id".
SNAPSHOT_FIELDS = tuple(name for name in CompanySnapshot.model_fields if name != "company_id")


def snapshot_fields(company: dict[str, Any] | sa.Row) -> dict[str, Any]:
    m = company._mapping if isinstance(company, sa.Row) else company
    return {"company_id": m["id"], **{name: m[name] for name in SNAPSHOT_FIELDS}}


def company_registered(company: dict[str, Any] | sa.Row) -> CompanyRegistered:
    return CompanyRegistered(**snapshot_fields(company))


def company_updated(company: sa.Row) -> CompanyUpdated:
    return CompanyUpdated(**snapshot_fields(company))


def company_deleted(company: sa.Row, at: datetime) -> CompanyDeleted:
    return CompanyDeleted(company_id=company.id, ruc=company.ruc, deleted_at=at)


def _participant(app: sa.Row, company: sa.Row) -> dict[str, Any]:
    """Who every participant event is about."""
    return {
        "participant_id": app.id,
        "company_id": company.id,
        "ruc": company.ruc,
        "cohort_id": app.cohort_id,
    }


def _monitor(monitor: sa.Row) -> MonitorRef:
    return MonitorRef(
        monitor_id=monitor.id, name=monitor.name, email=monitor.email, user_subject=monitor.user_subject
    )


def application_submitted(app: sa.Row, company: sa.Row, cohort: sa.Row) -> ApplicationSubmitted:
    return ApplicationSubmitted(
        application_id=app.id,
        company_id=company.id,
        ruc=company.ruc,
        cohort_id=cohort.id,
        cohort_name=cohort.name,
        submitted_at=app.submitted_at,
    )


def participant_admitted(
    app: sa.Row, company: sa.Row, cohort: sa.Row, monitor: sa.Row
) -> ParticipantAdmitted:
    return ParticipantAdmitted(
        **_participant(app, company),
        legal_name=company.legal_name,
        cohort_name=cohort.name,
        region=company.region,
        women_led=company.women_led,
        monitor=_monitor(monitor),
        admitted_at=app.admitted_at,
    )


def monitor_reassigned(
    app: sa.Row, company: sa.Row, monitor: sa.Row, *, previous: sa.Row | None, reason: str, at: datetime
) -> MonitorReassigned:
    return MonitorReassigned(
        **_participant(app, company),
        monitor=_monitor(monitor),
        previous_monitor_id=previous.monitor_id if previous is not None else None,
        reason=reason,
        reassigned_at=at,
    )


def commitment_signed(app: sa.Row, company: sa.Row) -> CommitmentSigned:
    return CommitmentSigned(
        **_participant(app, company),
        signed_at=app.commitment_signed_at,
    )


def participant_withdrawn(app: sa.Row, company: sa.Row) -> ParticipantWithdrawn:
    return ParticipantWithdrawn(
        **_participant(app, company),
        reason=app.withdrawal_reason,
        withdrawn_at=app.withdrawn_at,
    )


def certification_eligible(app: sa.Row, company: sa.Row) -> ParticipantCertificationEligible:
    return ParticipantCertificationEligible(
        **_participant(app, company),
        legal_name=company.legal_name,
        training_completed_at=app.training_completed_at,
        preaudit_passed_at=app.preaudit_passed_at,
        eligible_at=app.certification_eligible_at,
    )
