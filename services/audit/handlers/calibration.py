"""Calibration reports: self-assessment vs pre-audit per requirement and aspect (issue 14).

For one participant, or across a cohort: each participant's latest concluded pre-audit
set against its self-assessment on the same standard version, in one set-based query
(``ReportRepository.all_calibration_pairs``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from services.audit.db.repositories import ParticipantRepository, ReportRepository
from services.audit.domain.access import ensure_can_see
from services.audit.domain.calibration import Pair, Tally, focus, tally_by
from shared.auth import Principal
from shared.deps import ReadDb


@dataclass(frozen=True)
class CalibrationReport:
    participants: list[dict[str, Any]]
    rows: list[sa.Row[Any]]
    by_requirement: dict[str, Tally]
    by_aspect: dict[str, Tally]
    focus: list[str]
    texts: dict[str, str]


async def read_for_participant(
    db: ReadDb, caller: Principal, *, participant_id: uuid.UUID
) -> CalibrationReport:
    participant = await ParticipantRepository(db).get_or_raise(participant_id=participant_id)
    ensure_can_see(caller, participant.ruc)
    return await _report(db, participant_id=participant_id, cohort_id=None)


async def read_for_cohort(db: ReadDb, *, cohort_id: uuid.UUID) -> CalibrationReport:
    """PROMPERÚ's follow-up staff only (the route's role alias): no record to check."""
    return await _report(db, participant_id=None, cohort_id=cohort_id)


async def _report(
    db: ReadDb, *, participant_id: uuid.UUID | None, cohort_id: uuid.UUID | None
) -> CalibrationReport:
    rows = await ReportRepository(db).all_calibration_pairs(
        participant_id=participant_id, cohort_id=cohort_id
    )
    pairs = [Pair(r.participant_id, r.code, r.aspect_code, r.self_status, r.result) for r in rows]
    by_requirement = tally_by(pairs, lambda p: p.requirement_code)
    by_participant = tally_by(pairs, lambda p: str(p.participant_id))
    names = {str(r.participant_id): (r.ruc, r.legal_name) for r in rows}
    participants = [
        {
            "participant_id": pid,
            "ruc": names[pid][0],
            "legal_name": names[pid][1],
            "compared": t.compared,
            "over_rated": t.over_rated,
            "under_rated": t.under_rated,
            "over_rate": t.over_rate,
        }
        for pid, t in sorted(by_participant.items(), key=lambda kv: (-kv[1].over_rated, kv[0]))
    ]
    return CalibrationReport(
        participants=participants,
        rows=rows,
        by_requirement=by_requirement,
        by_aspect=tally_by(pairs, lambda p: p.aspect_code),
        focus=focus(by_requirement),
        texts={r.code: r.text for r in rows},
    )
