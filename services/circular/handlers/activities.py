"""Sensitisation activities and their attendance: record, import a sheet, read.

Every attendance (a sheet, CSV or XLSX, or a JSON list) goes through one path, :func:`_record`,
in one transaction: the companies are upserted (their latest stated facts win), the activity's
companies and people are added (or, in ``replace`` mode, made exactly the sheet's), and the events
are queued: ``circular.activity.recorded`` with the new counts and ``circular.company.sensitised``
for each company new to the activity.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from services.circular.db.repositories import (
    ActivityCompanyRepository,
    ActivityRepository,
    AttendeeRepository,
    CompanyRepository,
)
from services.circular.domain import access
from services.circular.domain.activities import ImportMode, default_methodology, ensure_held
from services.circular.domain.attendance_sheet import Sheet, SheetRejected, SheetRow, read_sheet
from services.circular.domain.reference import ActivityKind, Methodology
from shared.auth import Principal
from shared.deps import ReadDb
from shared.errors import Conflict
from shared.events.contracts.circular import ActivityRecorded, CompanySensitised
from shared.uow import UnitOfWork


@dataclass
class AttendanceResult:
    activity_id: uuid.UUID
    rows_read: int
    companies_added: int
    people_added: int
    companies_removed: int = 0
    people_removed: int = 0
    companies: int = 0
    people: int = 0
    women: int = 0
    columns: dict[str, str] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)


async def create(
    uow: UnitOfWork, caller: Principal, values: dict[str, Any], rows: list[SheetRow]
) -> tuple[sa.Row[Any], tuple[int, int, int]]:
    """A new activity (with its attendance when given) and its counts (companies, people, women). The
    organiser's own reference is unique per organiser: the same reference again is a 409 naming the
    activity already recorded."""
    now = uow.clock.now()
    kind = ActivityKind(values["kind"])
    methodology = default_methodology(
        kind, Methodology(values["methodology"]) if values.get("methodology") else None
    )
    async with uow:
        repo = ActivityRepository(uow.session)
        if values.get("external_ref"):
            existing = await repo.get_by_ref(
                organiser=values["organiser"], external_ref=values["external_ref"]
            )
            if existing is not None:
                raise _duplicate_ref(existing)
        if rows:
            ensure_held(values["held_on"], uow.clock.today())
        try:
            row = await repo.create(
                values=values
                | {
                    "id": uuid.uuid4(),
                    "methodology": methodology,
                    "created_by": caller.subject,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        except IntegrityError as exc:  # a concurrent twin with the same reference
            raise Conflict(
                "An activity with this organiser and reference is being recorded.",
                detail_es="Se está registrando una actividad con este organizador y referencia.",
            ) from exc
        result = await _record(uow, row, rows, ImportMode.merge, created=True)
        await uow.commit()
    return row, (result.companies, result.people, result.women)


def _duplicate_ref(existing: sa.Row[Any]) -> Conflict:
    return Conflict(
        f"The organiser already recorded activity {existing.id} with reference '{existing.external_ref}'.",
        detail_es=f"El organizador ya registró la actividad {existing.id} con la referencia "
        f"'{existing.external_ref}'.",
        extra={"activity_id": str(existing.id), "rule": "circular.external_ref"},
    )


async def read(
    db: ReadDb, caller: Principal, *, activity_id: uuid.UUID
) -> tuple[sa.Row[Any], tuple[int, int, int]]:
    row = await ActivityRepository(db).get_or_raise(activity_id=activity_id)
    access.ensure_may_read_activity(caller, created_by=row.created_by)
    return row, await _counts(db, activity_id)


async def _counts(db: Any, activity_id: uuid.UUID) -> tuple[int, int, int]:
    companies = len(await ActivityCompanyRepository(db).all_for_activity(activity_id=activity_id))
    people, women = await AttendeeRepository(db).counts(activity_id=activity_id)
    return companies, people, women


async def page(
    db: ReadDb, caller: Principal, *, cursor: str | None, limit: int, **filters: Any
) -> tuple[list[sa.Row[Any]], str | None]:
    return await ActivityRepository(db).page(
        created_by=access.recorder_scope(caller), cursor=cursor, limit=limit, **filters
    )


async def attendance(
    db: ReadDb, caller: Principal, *, activity_id: uuid.UUID
) -> tuple[sa.Row[Any], list[sa.Row[Any]], list[sa.Row[Any]]]:
    """The activity, its companies (with their facts) and its people (personal data: staff only)."""
    activity, _ = await read(db, caller, activity_id=activity_id)
    companies = await ActivityCompanyRepository(db).all_for_activity(activity_id=activity_id)
    people = await AttendeeRepository(db).all_for_activity(activity_id=activity_id)
    return activity, companies, people


async def import_sheet(
    uow: UnitOfWork, caller: Principal, *, activity_id: uuid.UUID, raw: bytes, mode: ImportMode
) -> AttendanceResult:
    """An attendance sheet (CSV or XLSX): every row checked first; any bad row refuses the whole
    sheet (422 listing each line and why), so a corrected sheet is simply uploaded again."""
    sheet = read_sheet(raw)
    if sheet.problems:
        raise SheetRejected(sheet.problems, columns=sheet.columns)
    return await record(uow, caller, activity_id=activity_id, sheet=sheet, mode=mode)


async def record(
    uow: UnitOfWork, caller: Principal, *, activity_id: uuid.UUID, sheet: Sheet, mode: ImportMode
) -> AttendanceResult:
    async with uow:
        activity = await ActivityRepository(uow.session).get_or_raise(
            activity_id=activity_id, for_update=True
        )
        access.ensure_may_read_activity(caller, created_by=activity.created_by)
        ensure_held(activity.held_on, uow.clock.today())
        result = await _record(uow, activity, sheet.rows, mode)
        result.columns, result.ignored_columns = sheet.columns, sheet.ignored_columns
        await uow.commit()
    return result


async def _record(
    uow: UnitOfWork, activity: sa.Row[Any], rows: list[SheetRow], mode: ImportMode, *, created: bool = False
) -> AttendanceResult:
    session, now = uow.session, uow.clock.now()
    companies_repo, links, people_repo = (
        CompanyRepository(session),
        ActivityCompanyRepository(session),
        AttendeeRepository(session),
    )
    result = AttendanceResult(activity_id=activity.id, rows_read=len(rows), companies_added=0, people_added=0)
    facts: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row.ruc:
            merged = facts.setdefault(row.ruc, {})
            for key in ("legal_name", "size", "manufacturing", "women_led"):
                value = getattr(row, key)
                if value is not None:
                    merged[key] = value.value if hasattr(value, "value") else value
    rucs = sorted(facts)
    seen_before = await links.rucs_seen_before(rucs=rucs, activity_id=activity.id) if rucs else set()
    recorded = await companies_repo.upsert_many(facts=facts, now=now)
    added = await links.create_many(activity_id=activity.id, rucs=rucs, now=now)
    new_companies = [c for c in recorded if c.ruc in added]
    result.companies_added = len(added)
    people: dict[str, dict[str, Any]] = {}
    for row in rows:
        person = row.person_key
        if person is None or person in people:
            continue
        people[person] = {
            "id": uuid.uuid4(),
            "activity_id": activity.id,
            "person_key": person,
            "full_name": row.full_name,
            "gender": row.gender.value,
            "role": row.role,
            "ruc": row.ruc,
            "created_at": now,
        }
    result.people_added = await people_repo.upsert_many(rows=list(people.values()))
    keys = set(people)
    if mode == ImportMode.replace_all:
        result.people_removed = await people_repo.delete_others(activity_id=activity.id, keep=keys)
        result.companies_removed = await links.delete_others(activity_id=activity.id, keep=set(rucs))
    result.companies, result.people, result.women = await _counts(session, activity.id)
    changed = (
        result.companies_added or result.people_added or result.companies_removed or result.people_removed
    )
    if not (created or changed):
        return result  # the same sheet again: nothing recorded, nothing to tell
    await ActivityRepository(session).touch(activity_id=activity.id, now=now)
    uow.publish(
        ActivityRecorded(
            activity_id=activity.id,
            kind=activity.kind,
            node=activity.node,
            held_on=activity.held_on,
            organiser_kind=activity.organiser_kind,
            methodology=activity.methodology,
            companies=result.companies,
            people=result.people,
            women=result.women,
        )
    )
    for company in new_companies:
        uow.publish(
            CompanySensitised(
                ruc=company.ruc,
                activity_id=activity.id,
                kind=activity.kind,
                node=activity.node,
                held_on=activity.held_on,
                methodology=activity.methodology,
                first=company.ruc not in seen_before,
                women_led=company.women_led,
                manufacturing=company.manufacturing,
                size=company.size,
            )
        )
    return result
