"""Use cases of the programme indicators: milestones read from the read model, counted by the domain."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date, datetime
from typing import Any

from services.catalog.db.repositories.read_model import (
    CertificateRepository,
    CompanyRepository,
    ParticipantRepository,
)
from services.catalog.domain import indicators as domain
from services.catalog.domain.indicators import Granularity, Milestone, MilestoneReached
from services.catalog.domain.regions import region_node
from shared.clock import LIMA
from shared.deps import ReadDb
from shared.errors import BadRequest


def _lima_date(moment: datetime) -> date:
    return moment.astimezone(LIMA).date()


async def _milestones(db: ReadDb) -> tuple[list[MilestoneReached], dict[uuid.UUID, str | None]]:
    """Every milestone reached, and the cohort names seen in admissions."""
    out: list[MilestoneReached] = []
    cohort_names: dict[uuid.UUID, str | None] = {}
    for row in await CompanyRepository(db).all_registered():
        out.append(MilestoneReached(Milestone.registered, row.ruc, _lima_date(row.registered_at)))
    for row in await ParticipantRepository(db).all_milestones():
        if row.cohort_id is not None and row.cohort_name:
            cohort_names[row.cohort_id] = row.cohort_name
        common = {"ruc": row.ruc, "cohort_id": row.cohort_id, "women_led": row.women_led}
        if row.admitted_at is not None:
            out.append(MilestoneReached(Milestone.admitted, on=_lima_date(row.admitted_at), **common))
        if domain.is_trained(row.completed_at, row.completion_revoked_at):
            out.append(MilestoneReached(Milestone.trained, on=_lima_date(row.completed_at), **common))
        if row.preaudit_passed_at is not None:
            out.append(
                MilestoneReached(Milestone.preaudit_passed, on=_lima_date(row.preaudit_passed_at), **common)
            )
    for row in await CertificateRepository(db).all_issued():
        out.append(
            MilestoneReached(
                Milestone.certified,
                row.ruc,
                row.issued_on,
                cohort_id=row.cohort_id,
                node=region_node(row.region),
            )
        )
    return out, cohort_names


async def programme_indicators(
    db: ReadDb, *, cohort_id: uuid.UUID | None, as_of: date | None
) -> dict[str, Any]:
    milestones, names = await _milestones(db)
    per_cohort = [
        {
            "cohort_id": cid,
            "cohort_name": names.get(cid),
            "totals": domain.totals(milestones, cohort_id=cid, until=as_of),
        }
        for cid in domain.cohorts(milestones)
        if cohort_id is None or cid == cohort_id
    ]
    return {
        "as_of": as_of,
        "cohort_id": cohort_id,
        "totals": domain.totals(milestones, cohort_id=cohort_id, until=as_of),
        "cohorts": per_cohort,
    }


async def indicator_series(
    db: ReadDb,
    *,
    start: date | None,
    end: date | None,
    today: date,
    granularity: Granularity,
    cohort_id: uuid.UUID | None,
) -> dict[str, Any]:
    """Per period from ``start`` (default: the first milestone) to ``end`` (default: ``today``)."""
    milestones, _ = await _milestones(db)
    end = end or today
    start = start or min((m.on for m in milestones), default=end)
    if start > end:
        raise BadRequest(
            f"'from' ({start}) is after 'to' ({end}).",
            detail_es=f"'from' ({start}) es posterior a 'to' ({end}).",
            extra={"errors": [{"field": "from", "in": "query", "message": "must not be after 'to'"}]},
        )
    periods = domain.series(milestones, start=start, end=end, granularity=granularity, cohort_id=cohort_id)
    return {
        "granularity": granularity.value,
        "from": start,
        "to": end,
        "cohort_id": cohort_id,
        "indicators": list(domain.INDICATORS),
        "periods": [vars(p) for p in periods],
    }


def series_csv(series: dict[str, Any]) -> str:
    """One row per period: ``period, starts_on, <indicator>_new…, <indicator>_cumulative…``."""
    names = series["indicators"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["period", "starts_on", *(f"{n}_new" for n in names), *(f"{n}_cumulative" for n in names)]
    )
    for p in series["periods"]:
        writer.writerow(
            [
                p["period"],
                p["starts_on"].isoformat(),
                *(p["new"][n] for n in names),
                *(p["cumulative"][n] for n in names),
            ]
        )
    return buffer.getvalue()
