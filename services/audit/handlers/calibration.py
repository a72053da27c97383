"""Calibration reports: self-assessment vs pre-audit per requirement and aspect (issue 14).

For one participant, or across a cohort: each participant's latest concluded pre-audit
(passed or failed) set against its self-assessment on the same standard version, in one
set-based query.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from services.audit.domain.access import ensure_can_see
from services.audit.domain.calibration import Pair, Tally, focus, tally_by
from shared.auth import Principal, Role
from shared.errors import Forbidden, NotFound

PAIRS = sa.text(
    """
    WITH who AS (
        SELECT participant_id, ruc, legal_name FROM audit.participants
        WHERE (CAST(:pid AS uuid) IS NULL OR participant_id = CAST(:pid AS uuid))
          AND (CAST(:cohort AS uuid) IS NULL OR cohort_id = CAST(:cohort AS uuid))
    ), pa AS (
        SELECT DISTINCT ON (x.participant_id) x.participant_id, x.id, x.standard_version
        FROM audit.preaudits x JOIN who USING (participant_id)
        WHERE x.status IN ('passed', 'failed')
        ORDER BY x.participant_id, x.concluded_at DESC NULLS LAST, x.created_at DESC
    ), sa AS (
        SELECT DISTINCT ON (s.participant_id) s.participant_id, s.id
        FROM audit.self_assessments s JOIN pa ON pa.participant_id = s.participant_id
                                            AND pa.standard_version = s.standard_version
        ORDER BY s.participant_id, s.updated_at DESC
    )
    SELECT pa.participant_id, who.ruc, who.legal_name, pa.standard_version, r.code, r.aspect_code, r.text,
           ans.status AS self_status, res.result
    FROM pa JOIN who USING (participant_id)
    JOIN audit.preaudit_results res ON res.preaudit_id = pa.id
    JOIN audit.requirements r ON r.version = pa.standard_version AND r.code = res.requirement_code
    LEFT JOIN sa ON sa.participant_id = pa.participant_id
    LEFT JOIN audit.self_assessment_answers ans ON ans.assessment_id = sa.id AND ans.requirement_code = r.code
    ORDER BY pa.participant_id, r.aspect_code, r.position
    """
)


@dataclass(frozen=True)
class CalibrationReport:
    participants: list[dict]
    rows: list[sa.Row]
    by_requirement: dict[str, Tally]
    by_aspect: dict[str, Tally]
    focus: list[str]
    texts: dict[str, str]


async def _report(
    conn: AsyncConnection, *, pid: uuid.UUID | None, cohort: uuid.UUID | None
) -> CalibrationReport:
    rows = (await conn.execute(PAIRS, {"pid": pid, "cohort": cohort})).all()
    pairs = [Pair(r.participant_id, r.code, r.aspect_code, r.self_status, r.result) for r in rows]
    by_requirement = tally_by(pairs, lambda p: p.requirement_code)
    by_participant = tally_by(pairs, lambda p: str(p.participant_id))
    names = {str(r.participant_id): (r.ruc, r.legal_name) for r in rows}
    participants = [
        {
            "participant_id": pid_,
            "ruc": names[pid_][0],
            "legal_name": names[pid_][1],
            "compared": t.compared,
            "over_rated": t.over_rated,
            "under_rated": t.under_rated,
            "over_rate": t.over_rate,
        }
        for pid_, t in sorted(by_participant.items(), key=lambda kv: (-kv[1].over_rated, kv[0]))
    ]
    return CalibrationReport(
        participants=participants,
        rows=rows,
        by_requirement=by_requirement,
        by_aspect=tally_by(pairs, lambda p: p.aspect_code),
        focus=focus(by_requirement),
        texts={r.code: r.text for r in rows},
    )


async def participant_calibration(
    conn: AsyncConnection, actor: Principal, participant_id: uuid.UUID
) -> CalibrationReport:
    who = (
        await conn.execute(
            sa.text("SELECT ruc FROM audit.participants WHERE participant_id = :p"), {"p": participant_id}
        )
    ).first()
    if who is None:
        raise NotFound(
            "Participant", participant_id, detail_es=f"El participante {participant_id} no existe."
        )
    ensure_can_see(actor, who.ruc)
    return await _report(conn, pid=participant_id, cohort=None)


async def cohort_calibration(
    conn: AsyncConnection, actor: Principal, cohort_id: uuid.UUID
) -> CalibrationReport:
    if actor.role not in (Role.promperu_officer, Role.monitor, Role.auditor, Role.admin):
        raise Forbidden(
            "A cohort's calibration is for PROMPERÚ staff.",
            detail_es="La calibración de una cohorte es para el personal de PROMPERÚ.",
            extra={"allowed_roles": ["promperu_officer", "monitor", "auditor"]},
        )
    return await _report(conn, pid=None, cohort=cohort_id)
