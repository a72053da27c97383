"""The programme's indicators, counted from milestones the events recorded (never typed in).

GIZ, "Integrar la economía circular en las mipymes manufactureras", Impacto: "Más de
3000 mipymes sensibilizadas…, 57 que han iniciado el tránsito hacia la circularidad, 32
de las cuales son dirigidas por mujeres"; PROMPERÚ's programme adds training, pre-audit
and certification; the Commission reports per regional node (Arequipa, La Libertad,
Lima). Each indicator counts *companies* (distinct RUCs), dated by the first time the
company reached the milestone (a Lima date taken from the event itself):

    registered          enrollment.company.registered              (sensitised)
    admitted            enrollment.participant.admitted            (started the transition)
    admitted_women_led  the same, for women-led companies
    trained             training.program.completed, unless revoked later
    preaudit_passed     audit.preaudit.passed
    certified           audit.certificate.issued (and certified_<node> by the company's region)
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from services.catalog.domain.regions import RegionNode


class Milestone(StrEnum):
    registered = "registered"
    admitted = "admitted"
    trained = "trained"
    preaudit_passed = "preaudit_passed"
    certified = "certified"


class Granularity(StrEnum):
    month = "month"
    quarter = "quarter"
    year = "year"


INDICATORS: tuple[str, ...] = (
    "registered",
    "admitted",
    "admitted_women_led",
    "trained",
    "preaudit_passed",
    "certified",
    *(f"certified_{node.value}" for node in RegionNode),
)


@dataclass(frozen=True)
class MilestoneReached:
    milestone: Milestone
    ruc: str
    on: date
    cohort_id: uuid.UUID | None = None
    women_led: bool = False
    node: RegionNode = RegionNode.others


def is_trained(completed_at: datetime | None, revoked_at: datetime | None) -> bool:
    """Trained when the last word on the training is a completion, not a revocation."""
    return completed_at is not None and (revoked_at is None or completed_at > revoked_at)


def _indicators_of(m: MilestoneReached) -> list[str]:
    names = [m.milestone.value]
    if m.milestone is Milestone.admitted and m.women_led:
        names.append("admitted_women_led")
    if m.milestone is Milestone.certified:
        names.append(f"certified_{m.node.value}")
    return names


def first_dates(
    milestones: list[MilestoneReached], *, cohort_id: uuid.UUID | None = None
) -> dict[str, dict[str, date]]:
    """indicator -> RUC -> the first date that company counted (optionally within one cohort)."""
    firsts: dict[str, dict[str, date]] = {name: {} for name in INDICATORS}
    for m in milestones:
        if cohort_id is not None and m.cohort_id != cohort_id:
            continue
        for name in _indicators_of(m):
            seen = firsts[name].get(m.ruc)
            if seen is None or m.on < seen:
                firsts[name][m.ruc] = m.on
    return firsts


def totals(
    milestones: list[MilestoneReached],
    *,
    cohort_id: uuid.UUID | None = None,
    until: date | None = None,
) -> dict[str, int]:
    """How many companies reached each indicator (by ``until``, inclusive, when given)."""
    firsts = first_dates(milestones, cohort_id=cohort_id)
    return {
        name: sum(1 for d in by_ruc.values() if until is None or d <= until)
        for name, by_ruc in firsts.items()
    }


def cohorts(milestones: list[MilestoneReached]) -> list[uuid.UUID]:
    return sorted({m.cohort_id for m in milestones if m.cohort_id is not None}, key=str)


def period_start(day: date, granularity: Granularity) -> date:
    if granularity is Granularity.year:
        return date(day.year, 1, 1)
    if granularity is Granularity.quarter:
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return date(day.year, day.month, 1)


def next_period(start: date, granularity: Granularity) -> date:
    months = {Granularity.month: 1, Granularity.quarter: 3, Granularity.year: 12}[granularity]
    index = start.year * 12 + start.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_label(start: date, granularity: Granularity) -> str:
    if granularity is Granularity.year:
        return f"{start.year}"
    if granularity is Granularity.quarter:
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.year}-{start.month:02d}"


@dataclass(frozen=True)
class PeriodCounts:
    period: str
    starts_on: date
    new: dict[str, int]
    cumulative: dict[str, int]


def series(
    milestones: list[MilestoneReached],
    *,
    start: date,
    end: date,
    granularity: Granularity = Granularity.month,
    cohort_id: uuid.UUID | None = None,
) -> list[PeriodCounts]:
    """Per period from ``start`` to ``end`` (inclusive): companies new in it, and the running total."""
    firsts = first_dates(milestones, cohort_id=cohort_id)
    new_by_period: dict[date, dict[str, int]] = defaultdict(lambda: dict.fromkeys(INDICATORS, 0))
    before = dict.fromkeys(INDICATORS, 0)
    first_period = period_start(start, granularity)
    for name, by_ruc in firsts.items():
        for day in by_ruc.values():
            bucket = period_start(day, granularity)
            if bucket < first_period:
                before[name] += 1
            else:
                new_by_period[bucket][name] += 1
    out: list[PeriodCounts] = []
    running = dict(before)
    bucket = first_period
    while bucket <= end:
        new = dict(new_by_period.get(bucket, dict.fromkeys(INDICATORS, 0)))
        running = {name: running[name] + new[name] for name in INDICATORS}
        out.append(PeriodCounts(period_label(bucket, granularity), bucket, new, dict(running)))
        bucket = next_period(bucket, granularity)
    return out
