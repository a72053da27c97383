"""How long a person was in a session, and when a company counts as having attended.

Rule (issue 4, lead's notes): a person's share is the time present divided by the
session's duration, clamped to [0, 1]. A company attended a workshop when at least ONE
of its people reached the cohort's minimum share (default 75 %) in a session of that
workshop. Shares of different people are NOT added: the programme document's
"Cronograma de actividades" speaks of each participant following the workshop, and
nothing in it lets two half-attendances make a whole one.

Comparisons use exact arithmetic (seconds against a Decimal share) so a person present
for exactly the minimum share is present, never lost to floating-point rounding.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal


@dataclass(frozen=True)
class Interval:
    """A stretch of presence: a check-in and a check-out, or one join/leave row of a report."""

    start: datetime
    end: datetime


def presence_seconds(
    intervals: Iterable[Interval],
    *,
    window_start: datetime,
    window_end: datetime,
    extra_minutes: Iterable[float] = (),
) -> int:
    """Seconds present in the session window.

    Intervals are clipped to the window and merged, so a person connected twice at once
    (phone and laptop) is not counted twice; minutes given without times (a report row
    with only a duration) are added. The total never exceeds the session's length.
    """
    clipped = sorted(
        (max(i.start, window_start), min(i.end, window_end))
        for i in intervals
        if min(i.end, window_end) > max(i.start, window_start)
    )
    total = timedelta(0)
    merged: list[tuple[datetime, datetime]] = []
    for start, end in clipped:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    for start, end in merged:
        total += end - start
    seconds = int(total.total_seconds()) + round(sum(extra_minutes) * 60)
    return max(0, min(seconds, int((window_end - window_start).total_seconds())))


def share(seconds_present: int, duration_minutes: int) -> float:
    """The share of the session a person attended, in [0, 1] (for display).

    A float division of two integers is correctly rounded, so it is the nearest float
    to the exact share."""
    return min(max(seconds_present, 0) / (duration_minutes * 60), 1.0)


def reaches_share(seconds_present: int, duration_minutes: int, min_share: Decimal) -> bool:
    """True when the presence is at least ``min_share`` of the session (exact, in integers)."""
    numerator, denominator = min_share.as_integer_ratio()
    return seconds_present * denominator >= numerator * duration_minutes * 60
