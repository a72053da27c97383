"""Time as a dependency, so expiry and deadlines can be tested and demonstrated.

Business dates are Lima dates (America/Lima, UTC-5 without DST): a certificate that
"expires on 2027-03-01" expires at the start of that day in Lima, not in UTC.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

LIMA = ZoneInfo("America/Lima")


class Clock:
    """The real clock, optionally shifted (``make demo`` jumps two years ahead)."""

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self.offset = offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def today(self) -> date:
        """Today's date in Lima."""
        return self.now().astimezone(LIMA).date()

    def advance(self, delta: timedelta) -> None:
        self.offset += delta


async def wait_unless_stopped(stop: asyncio.Event, seconds: float) -> None:
    """Wait ``seconds``, or less if ``stop`` is set meanwhile: the pause of every background
    loop (relay, consumer, retention, scheduled jobs, supervised restarts, webhook delivery)."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
