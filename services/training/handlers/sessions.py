"""Scheduling, rescheduling and cancelling workshop sessions."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from services.training.db.repositories import (
    AttendanceRepository,
    CohortRepository,
    ParticipantRepository,
    RowPage,
    SessionRepository,
    WorkshopRepository,
)
from services.training.domain import access
from services.training.domain.curriculum import resolve_duration
from services.training.domain.sessions import (
    DeliveryMode,
    Session,
    SessionAction,
    SessionStatus,
    apply,
    check_delivery,
    ensure_nobody_attended,
    lima_days,
    minutes_between,
)
from services.training.events import publish
from services.training.handlers.attendance_effects import announce_attendance_change
from shared.auth import Principal
from shared.deps import ReadDb
from shared.uow import UnitOfWork


async def _own_cohorts(db: ReadDb, caller: Principal) -> set[uuid.UUID] | None:
    """The cohorts whose sessions the caller may see (None: every cohort)."""
    if not access.sees_own_cohorts_only(caller):
        return None
    return await ParticipantRepository(db).cohort_ids(ruc=caller.ruc or "")


async def page(
    db: ReadDb,
    caller: Principal,
    *,
    cohort_id: uuid.UUID | None,
    workshop_number: int | None,
    status: SessionStatus | None,
    mode: DeliveryMode | None,
    date_from: date | None,
    date_to: date | None,
    cursor: str | None,
    limit: int,
) -> RowPage:
    """Sessions by start time; ``date_from`` / ``date_to`` are Lima dates, both included."""
    starts_from, starts_before = lima_days(date_from, date_to)
    return await SessionRepository(db).page(
        cohort_id=cohort_id,
        cohort_ids=await _own_cohorts(db, caller),
        workshop_number=workshop_number,
        status=status.value if status else None,
        mode=mode.value if mode else None,
        starts_from=starts_from,
        starts_before=starts_before,
        cursor=cursor,
        limit=limit,
    )


async def read(db: ReadDb, caller: Principal, *, session_id: uuid.UUID) -> tuple[Session, str]:
    """The session and its workshop's title (a company: only its own cohorts' sessions)."""
    session = await SessionRepository(db).get_or_raise(session_id=session_id)
    access.ensure_may_see_session(
        session_id=session_id, cohort_id=session.cohort_id, own_cohorts=await _own_cohorts(db, caller)
    )
    workshop = await WorkshopRepository(db).get_or_raise(number=session.workshop_number)
    return session, workshop.title_es


async def create(
    uow: UnitOfWork,
    *,
    cohort_id: uuid.UUID,
    workshop_number: int,
    starts_at: datetime,
    duration_minutes: int | None,
    ends_at: datetime | None,
    mode: DeliveryMode,
    venue: str | None,
    link: str | None,
    trainer: str | None,
    capacity: int | None,
) -> tuple[Session, str]:
    """Schedule a workshop for a cohort; returns the session and the workshop's title."""
    async with uow:
        cohort = await CohortRepository(uow.session).get_or_raise(cohort_id=cohort_id)
        workshop = await WorkshopRepository(uow.session).get_or_raise(number=workshop_number)
        minutes = resolve_duration(
            workshop_number,
            explicit_minutes=duration_minutes or minutes_between(starts_at, ends_at),
            cohort_overrides=cohort.workshop_durations,
            curriculum_minutes=workshop.duration_minutes,
        )
        check_delivery(mode, venue=venue, link=link)
        now = uow.clock.now()
        session = Session(
            session_id=uuid.uuid4(),
            cohort_id=cohort_id,
            workshop_number=workshop_number,
            starts_at=starts_at,
            duration_minutes=minutes,
            mode=mode.value,
            venue=venue,
            link=link,
            trainer=trainer,
            capacity=capacity,
            status=SessionStatus.scheduled.value,
            cancellation_reason=None,
            cancelled_at=None,
            created_at=now,
            updated_at=now,
        )
        await SessionRepository(uow.session).create(session=session)
        uow.publish(publish.session_scheduled(session, workshop.title_es, rescheduled=False))
        await uow.commit()
        return session, workshop.title_es


async def reschedule(
    uow: UnitOfWork, *, session_id: uuid.UUID, changes: dict[str, Any]
) -> tuple[Session, str]:
    """Move a session or change how it is delivered; announced again as scheduled.

    A new duration changes the share of everyone already recorded, so their companies'
    attendance and completion are re-evaluated in the same transaction.
    """
    async with uow:
        repo = SessionRepository(uow.session)
        session = await repo.get_or_raise(session_id=session_id, for_update=True)
        apply(SessionStatus(session.status), SessionAction.reschedule)
        starts_at = changes.get("starts_at") or session.starts_at
        explicit = changes.get("duration_minutes") or minutes_between(starts_at, changes.get("ends_at"))
        minutes = resolve_duration(
            session.workshop_number,
            explicit_minutes=explicit or session.duration_minutes,
            cohort_overrides={},
            curriculum_minutes=None,
        )
        values = {k: v for k, v in changes.items() if k in ("mode", "venue", "link", "trainer", "capacity")}
        if "mode" in values:
            values["mode"] = DeliveryMode(values["mode"]).value
        merged = {"mode": session.mode, "venue": session.venue, "link": session.link} | values
        check_delivery(DeliveryMode(merged["mode"]), venue=merged["venue"], link=merged["link"])
        values |= {"starts_at": starts_at, "duration_minutes": minutes, "updated_at": uow.clock.now()}
        updated = await repo.update(session_id=session_id, values=values)
        workshop = await WorkshopRepository(uow.session).get_or_raise(number=session.workshop_number)
        uow.publish(publish.session_scheduled(updated, workshop.title_es, rescheduled=True))
        if minutes != session.duration_minutes:
            companies = await AttendanceRepository(uow.session).participant_ids(session_id=session_id)
            await announce_attendance_change(uow, updated, companies, reason="session_rescheduled")
        await uow.commit()
        return updated, workshop.title_es


async def cancel(uow: UnitOfWork, *, session_id: uuid.UUID, reason: str | None) -> tuple[Session, str]:
    """Cancel a session that nobody attended; a session with attendance is refused (409)."""
    async with uow:
        repo = SessionRepository(uow.session)
        session = await repo.get_or_raise(session_id=session_id, for_update=True)
        apply(SessionStatus(session.status), SessionAction.cancel)
        ensure_nobody_attended(session, await AttendanceRepository(uow.session).count(session_id=session_id))
        now = uow.clock.now()
        cancelled = await repo.update(
            session_id=session_id,
            values={
                "status": SessionStatus.cancelled.value,
                "cancellation_reason": reason,
                "cancelled_at": now,
                "updated_at": now,
            },
        )
        workshop = await WorkshopRepository(uow.session).get_or_raise(number=session.workshop_number)
        uow.publish(publish.session_cancelled(cancelled, now))
        await uow.commit()
        return cancelled, workshop.title_es
