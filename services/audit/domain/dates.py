"""Date arithmetic of the programme, in Lima dates.

Business dates (an audit's date, a certificate's issue date) are the date in
America/Lima at the moment the thing happened, not the UTC date: a certificate
approved at 21:00 in Lima on 29 February is issued on 29 February even though it is
already 1 March in UTC.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from shared.clock import LIMA

CERTIFICATE_VALIDITY_YEARS = 2  # section IV: certificate and mark last two years


def lima_date(instant: datetime) -> date:
    return instant.astimezone(LIMA).date()


def add_years(start: date, years: int) -> date:
    """Same month and day ``years`` later; 29 February falls back to 28 February.

    Chosen so that a validity period never exceeds the stated number of years: a
    certificate issued on 2028-02-29 expires on 2030-02-28, not on 2030-03-01.
    """
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February into a common year
        return start.replace(year=start.year + years, day=28)


def certificate_expiry(issued_on: date) -> date:
    """The day a certificate (and its right to use the mark) stops being valid.

    A certificate is valid on every Lima date before ``expires_on``; on that date the
    daily expiry pass moves it to ``expired``.
    """
    return add_years(issued_on, CERTIFICATE_VALIDITY_YEARS)


def remediation_deadline(audit_date: date, days: int) -> date:
    """The last day to correct a non-conformity: the pre-audit date plus ``days`` calendar days."""
    return audit_date + timedelta(days=days)


def days_overdue(deadline: date, today: date) -> int:
    """Overdue from the day after the deadline: the deadline day itself is still in time (0)."""
    return max(0, (today - deadline).days)


def next_lima_midnight(now: datetime) -> datetime:
    """The next instant at which the Lima date changes (for the daily expiry pass)."""
    local = now.astimezone(LIMA)
    return datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=LIMA)
