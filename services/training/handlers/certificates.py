"""The certificate of attendance of one person: what it certifies, for whom may see it."""

from __future__ import annotations

import uuid

from services.training.db.repositories import AttendanceRepository, CohortRepository
from services.training.domain.certificates import AttendanceCertificate, certified_workshops
from services.training.handlers import attendees
from shared.auth import Principal
from shared.deps import ReadDb


async def attendance_certificate(
    db: ReadDb, caller: Principal, *, attendee_id: uuid.UUID
) -> AttendanceCertificate:
    """The workshops the person attended for at least the cohort's share (422 before the first)."""
    attendee, company = await attendees.read(db, caller, attendee_id=attendee_id)
    cohort = await CohortRepository(db).get_or_raise(cohort_id=company.cohort_id)
    sessions = await AttendanceRepository(db).all_for_attendee(attendee_id=attendee_id)
    return AttendanceCertificate(
        attendee_id=attendee_id,
        full_name=attendee.full_name,
        dni=attendee.dni,
        company=company.legal_name or company.ruc,
        ruc=company.ruc,
        cohort_name=cohort.cohort_name,
        min_share=cohort.min_attendance_share,
        workshops=certified_workshops(
            sessions, min_share=cohort.min_attendance_share, full_name=attendee.full_name
        ),
    )
