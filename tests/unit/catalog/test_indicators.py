"""Programme indicators counted from milestones: distinct companies, first dates, nodes, periods."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from services.catalog.domain.indicators import (
    Granularity,
    Milestone,
    MilestoneReached,
    is_trained,
    period_label,
    period_start,
    series,
    totals,
)
from services.catalog.domain.regions import RegionNode

C1, C2 = uuid.UUID(int=1), uuid.UUID(int=2)


def m(kind: Milestone, ruc: str, on: date, **kw) -> MilestoneReached:
    return MilestoneReached(kind, ruc, on, **kw)


HISTORY = [
    m(Milestone.registered, "A", date(2025, 1, 10)),
    m(Milestone.registered, "B", date(2025, 1, 20)),
    m(Milestone.registered, "C", date(2025, 2, 5)),
    m(Milestone.admitted, "A", date(2025, 2, 1), cohort_id=C1, women_led=True),
    m(Milestone.admitted, "B", date(2025, 2, 2), cohort_id=C1),
    m(Milestone.admitted, "A", date(2025, 8, 1), cohort_id=C2, women_led=True),  # A again, next cohort
    m(Milestone.trained, "A", date(2025, 4, 30), cohort_id=C1),
    m(Milestone.preaudit_passed, "A", date(2025, 5, 15), cohort_id=C1),
    m(Milestone.certified, "A", date(2025, 6, 20), cohort_id=C1, node=RegionNode.arequipa),
]


def test_totals_count_companies_not_events():
    t = totals(HISTORY)
    assert t["registered"] == 3
    assert t["admitted"] == 2  # A admitted twice counts once
    assert t["admitted_women_led"] == 1
    assert (t["trained"], t["preaudit_passed"], t["certified"]) == (1, 1, 1)
    assert t["certified_arequipa"] == 1 and t["certified_lima"] == 0 and t["certified_others"] == 0


def test_totals_per_cohort_and_as_of_a_date():
    assert totals(HISTORY, cohort_id=C2)["admitted"] == 1
    assert totals(HISTORY, cohort_id=C2)["certified"] == 0
    assert totals(HISTORY, cohort_id=C1)["registered"] == 0  # registration belongs to no cohort
    as_of_march = totals(HISTORY, until=date(2025, 3, 31))
    assert (as_of_march["registered"], as_of_march["admitted"], as_of_march["certified"]) == (3, 2, 0)


def test_monthly_series_gives_new_and_cumulative_per_month_from_first_dates():
    periods = series(HISTORY, start=date(2025, 1, 1), end=date(2025, 8, 31))
    assert [p.period for p in periods] == [f"2025-{n:02d}" for n in range(1, 9)]
    by = {p.period: p for p in periods}
    assert by["2025-01"].new["registered"] == 2 and by["2025-02"].new["registered"] == 1
    assert by["2025-02"].new["admitted"] == 2
    assert by["2025-08"].new["admitted"] == 0  # A's second admission is not a new company
    assert by["2025-06"].new["certified"] == 1 and by["2025-06"].new["certified_arequipa"] == 1
    assert by["2025-08"].cumulative == totals(HISTORY)


def test_a_series_starting_late_carries_what_came_before_into_its_running_totals():
    periods = series(HISTORY, start=date(2025, 3, 15), end=date(2025, 4, 30))
    assert [p.period for p in periods] == ["2025-03", "2025-04"]
    assert periods[0].new["registered"] == 0
    assert periods[0].cumulative["registered"] == 3
    assert periods[1].new["trained"] == 1


def test_quarters_and_years():
    assert period_start(date(2025, 8, 17), Granularity.quarter) == date(2025, 7, 1)
    assert period_label(date(2025, 7, 1), Granularity.quarter) == "2025-Q3"
    periods = series(HISTORY, start=date(2024, 12, 1), end=date(2025, 12, 31), granularity=Granularity.year)
    assert [(p.period, p.new["registered"]) for p in periods] == [("2024", 0), ("2025", 3)]


def test_training_counts_unless_revoked_after_the_last_completion():
    t0, t1 = datetime(2025, 4, 1, tzinfo=UTC), datetime(2025, 5, 1, tzinfo=UTC)
    assert is_trained(t0, None)
    assert not is_trained(t0, t1)
    assert is_trained(t1, t0)
    assert not is_trained(None, None)
