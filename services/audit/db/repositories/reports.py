"""The two report queries: one statement each, set-based, over the whole audit schema.

``IMPLEMENTATION``: one participant's level per aspect from its self-assessment and its latest
pre-audit. It is the screen a company and its monitor open most, so it is a single round trip
on the read connection. ``CALIBRATION``: each participant's latest concluded pre-audit (passed
or failed) set against its self-assessment on the same standard version, for one participant
or a cohort.
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from services.audit.db.tables import participants
from shared.repository import Repository

IMPLEMENTATION = sa.text(
    """
    WITH p AS (
        SELECT participant_id, ruc, legal_name FROM audit.participants WHERE participant_id = :pid
    ), target AS (
        SELECT COALESCE(
            CAST(:version AS text),
            (SELECT standard_version FROM audit.self_assessments
              WHERE participant_id = :pid ORDER BY updated_at DESC LIMIT 1),
            (SELECT standard_version FROM audit.preaudits
              WHERE participant_id = :pid ORDER BY created_at DESC LIMIT 1),
            (SELECT version FROM audit.standard_versions WHERE is_current)
        ) AS version
    ), sa AS (
        SELECT s.id FROM audit.self_assessments s, target
        WHERE s.participant_id = :pid AND s.standard_version = target.version
    ), pa AS (
        SELECT x.id, x.status, x.audit_date FROM audit.preaudits x, target
        WHERE x.participant_id = :pid AND x.standard_version = target.version AND x.status <> 'cancelled'
        ORDER BY x.created_at DESC LIMIT 1
    )
    SELECT p.ruc, p.legal_name, target.version, a.code, a.name, a.number,
           (SELECT id FROM sa) AS self_assessment_id,
           (SELECT id FROM pa) AS preaudit_id,
           (SELECT status FROM pa) AS preaudit_status,
           (SELECT audit_date FROM pa) AS preaudit_date,
           count(r.code) AS requirements,
           count(*) FILTER (WHERE ans.status = 'implemented') AS implemented,
           count(*) FILTER (WHERE ans.status = 'partial') AS partial,
           count(*) FILTER (WHERE ans.status = 'not_implemented') AS not_implemented,
           count(*) FILTER (WHERE res.result = 'conforming') AS conforming,
           count(*) FILTER (WHERE res.result = 'observation') AS observations,
           count(*) FILTER (WHERE res.result = 'minor_nonconformity') AS minor,
           count(*) FILTER (WHERE res.result = 'major_nonconformity') AS major
    FROM p CROSS JOIN target
    JOIN audit.aspects a ON a.version = target.version
    JOIN audit.requirements r ON r.version = a.version AND r.aspect_code = a.code
    LEFT JOIN audit.self_assessment_answers ans
           ON ans.assessment_id = (SELECT id FROM sa) AND ans.requirement_code = r.code
    LEFT JOIN audit.preaudit_results res
           ON res.preaudit_id = (SELECT id FROM pa) AND res.requirement_code = r.code
    GROUP BY p.ruc, p.legal_name, target.version, a.code, a.name, a.number
    ORDER BY a.number
    """
)

CALIBRATION = sa.text(
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


class ReportRepository(Repository):
    table = participants
    noun = "Participant"
    noun_es = "El participante"

    async def all_implementation_lines(
        self, *, participant_id: uuid.UUID, version: str | None
    ) -> list[sa.Row[Any]]:
        """One line per aspect; none when the participant (or the version) does not exist."""
        result = await self.db.execute(IMPLEMENTATION, {"pid": participant_id, "version": version})
        return list(result.all())

    async def all_calibration_pairs(
        self, *, participant_id: uuid.UUID | None, cohort_id: uuid.UUID | None
    ) -> list[sa.Row[Any]]:
        """Self-assessment answer and pre-audit result, per participant and requirement."""
        result = await self.db.execute(CALIBRATION, {"pid": participant_id, "cohort": cohort_id})
        return list(result.all())
