"""Deadline and expiry arithmetic: month ends, leap years, and Lima dates."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.audit.domain.dates import (
    add_years,
    certificate_expiry,
    days_overdue,
    lima_date,
    next_lima_midnight,
    remediation_deadline,
)
from shared.clock import LIMA


@pytest.mark.parametrize(
    ("issued", "expires"),
    [
        (date(2026, 3, 15), date(2028, 3, 15)),
        (date(2026, 1, 31), date(2028, 1, 31)),
        (date(2026, 12, 31), date(2028, 12, 31)),
        (date(2028, 2, 29), date(2030, 2, 28)),  # leap day -> 28 February, never beyond two years
        (date(2026, 2, 28), date(2028, 2, 28)),  # into a leap year: stays on the 28th
        (date(2027, 3, 1), date(2029, 3, 1)),
    ],
)
def test_certificate_expires_two_years_later(issued, expires):
    assert certificate_expiry(issued) == expires


def test_leap_day_into_a_leap_year_keeps_the_29th():
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("audit_date", "days", "deadline"),
    [
        (date(2025, 2, 10), 30, date(2025, 3, 12)),  # February of a common year
        (date(2028, 2, 10), 30, date(2028, 3, 11)),  # February of a leap year has one day more
        (date(2025, 1, 31), 30, date(2025, 3, 2)),
        (date(2028, 1, 31), 29, date(2028, 2, 29)),
        (date(2025, 12, 15), 30, date(2026, 1, 14)),  # across the year end
        (date(2025, 4, 30), 1, date(2025, 5, 1)),
    ],
)
def test_remediation_deadline_counts_calendar_days(audit_date, days, deadline):
    assert remediation_deadline(audit_date, days) == deadline


def test_the_deadline_day_is_still_in_time():
    deadline = date(2025, 3, 12)
    assert days_overdue(deadline, date(2025, 3, 1)) == 0
    assert days_overdue(deadline, date(2025, 3, 12)) == 0
    assert days_overdue(deadline, date(2025, 3, 13)) == 1
    assert days_overdue(deadline, date(2025, 4, 1)) == 20


def test_business_date_is_the_lima_date_not_the_utc_one():
    # 21:30 in Lima on 29 February 2028 is already 1 March in UTC.
    assert lima_date(datetime(2028, 3, 1, 2, 30, tzinfo=UTC)) == date(2028, 2, 29)
    assert lima_date(datetime(2028, 3, 1, 5, 0, tzinfo=UTC)) == date(2028, 3, 1)
    assert certificate_expiry(lima_date(datetime(2028, 3, 1, 2, 30, tzinfo=UTC))) == date(2030, 2, 28)


def test_next_lima_midnight_is_at_05_utc_and_strictly_ahead():
    assert next_lima_midnight(datetime(2026, 1, 31, 12, 0, tzinfo=UTC)) == datetime(
        2026, 2, 1, 0, 0, tzinfo=LIMA
    )
    assert next_lima_midnight(datetime(2026, 1, 31, 12, 0, tzinfo=UTC)).astimezone(UTC) == datetime(
        2026, 2, 1, 5, 0, tzinfo=UTC
    )
    # 04:59 UTC on 1 March is still 28 February in Lima: the next midnight is minutes away.
    assert next_lima_midnight(datetime(2026, 3, 1, 4, 59, tzinfo=UTC)) == datetime(
        2026, 3, 1, 0, 0, tzinfo=LIMA
    )
