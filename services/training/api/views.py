"""Rows and handler results -> ``*Public`` schemas, and the progress read models.

A company's progress applies :func:`workshop_results` (the rule the completion events
use) live; the cohort matrix reads the cells the completion re-evaluation stored with
that same function.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import orjson
import sqlalchemy as sa

from services.training.api.schemas import (
    AttendancePublic,
    ProgressPublic,
    SessionPublic,
    WorkshopProgressPublic,
)
from services.training.db import queries
from services.training.domain.curriculum import WORKSHOP_NUMBERS
from services.training.domain.presence import share
from services.training.domain.progress import attended_workshops, workshop_results
from services.training.domain.sessions import Session


def session_public(source: Session | sa.Row, workshop_title: str | None = None) -> SessionPublic:
    values = dict(source._mapping) if isinstance(source, sa.Row) else dict(vars(source))
    values.setdefault("workshop_title", workshop_title)
    values["ends_at"] = values["starts_at"] + timedelta(minutes=values["duration_minutes"])
    return SessionPublic.model_validate(values)


def attendance_public(source: Any) -> AttendancePublic:
    values = dict(source._mapping) if isinstance(source, sa.Row) else dict(vars(source))
    seconds, minutes = values["seconds_present"], values["duration_minutes"]
    return AttendancePublic.model_validate(
        values | {"minutes_present": round(seconds / 60, 2), "share": round(share(seconds, minutes), 4)}
    )


async def company_progress(conn, participant: sa.Row) -> ProgressPublic:
    cohort = await queries.get_cohort(conn, participant.cohort_id)
    titles = {w.number: w.title_es for w in await queries.list_workshops(conn)}
    presences = await queries.session_presences(conn, participant_ids=[participant.participant_id])
    results = workshop_results(presences, cohort.min_attendance_share).get(participant.participant_id, {})
    mandatory = sorted(cohort.mandatory_workshops)
    attended = attended_workshops(results)
    workshops = []
    for number in WORKSHOP_NUMBERS:
        result = results.get(number)
        workshops.append(
            WorkshopProgressPublic(
                number=number,
                title=titles[number],
                mandatory=number in mandatory,
                attended=bool(result and result.attended),
                best_share=result.best_share if result else None,
                minutes=result.best_minutes if result else None,
                attendees_present=result.attendees_present if result else 0,
            )
        )
    return ProgressPublic(
        participant_id=participant.participant_id,
        ruc=participant.ruc,
        legal_name=participant.legal_name,
        cohort_id=participant.cohort_id,
        cohort_name=cohort.cohort_name,
        status=participant.status,
        completion_state=participant.completion_state,
        completed_at=participant.completed_at,
        min_attendance_share=float(cohort.min_attendance_share),
        mandatory_workshops=mandatory,
        attended_workshops=attended,
        missing_workshops=[n for n in mandatory if n not in attended],
        workshops=workshops,
    )


async def cohort_matrix_json(
    conn,
    cohort: sa.Row,
    *,
    status: str | None,
    completion_state: str | None,
    cursor: str | None,
    limit: int,
) -> bytes:
    """Companies x workshops for one cohort (a :class:`MatrixPublic`), as JSON bytes.

    The programme officer's hot read: Postgres returns the rows already as JSON (see
    :func:`queries.cohort_matrix_page`); this adds the cohort's header around them. The
    shape is the documented ``MatrixPublic``; a test validates it.
    """
    page = await queries.cohort_matrix_page(
        conn,
        cohort_id=cohort.cohort_id,
        status=status,
        completion_state=completion_state,
        cursor=cursor,
        limit=limit,
    )
    return orjson.dumps(
        {
            "cohort_id": str(cohort.cohort_id),
            "cohort_name": cohort.cohort_name,
            "min_attendance_share": float(cohort.min_attendance_share),
            "workshops": list(WORKSHOP_NUMBERS),
            "mandatory_workshops": sorted(cohort.mandatory_workshops),
            "data": orjson.Fragment(page.rows_json),
            "next_cursor": page.next_cursor,
        }
    )
