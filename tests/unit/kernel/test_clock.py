"""The injected clock: Lima dates, and the test clock every app under test gets."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta

import pytest

from shared.clock import LIMA, Clock
from tests.support.testing import TestClock

LEAP_EVENING = datetime(2028, 2, 29, 23, 30, tzinfo=LIMA)  # 2028-03-01 04:30 UTC


def test_today_is_the_lima_date_when_utc_is_already_tomorrow():
    clock = TestClock()
    clock.pin(LEAP_EVENING.astimezone(UTC))
    assert clock.now().date() == date(2028, 3, 1)
    assert clock.today() == date(2028, 2, 29)
    clock.advance(timedelta(minutes=30))
    assert clock.today() == date(2028, 3, 1)


def test_a_test_clock_follows_the_process_clock_until_moved_or_pinned():
    clock = TestClock()
    assert abs(clock.now() - Clock().now()) < timedelta(seconds=5)
    clock.advance(timedelta(days=2))
    assert clock.now() - Clock().now() > timedelta(days=1, hours=23)
    with clock.at(LEAP_EVENING):
        assert clock.today() == date(2028, 2, 29)
    assert abs(clock.now() - Clock().now()) < timedelta(seconds=5), "at() puts the clock back"
    with pytest.raises(ValueError):
        clock.pin(datetime(2028, 2, 29, 23, 30))


def test_every_test_clock_is_put_back_after_a_test():
    moved, pinned = TestClock(), TestClock()
    moved.advance(timedelta(days=400))
    pinned.pin(LEAP_EVENING)
    TestClock.reset_all()  # what tests/conftest.py does after every test
    for clock in (moved, pinned):
        assert abs(clock.now() - Clock().now()) < timedelta(seconds=5)


@pytest.mark.skipif(not os.environ.get("ECO_TEST_NOW"), reason="only in the shifted-clock run")
def test_the_shifted_run_sees_its_instant_everywhere():
    """`make test-unit-shifted`: the wall clock itself (not only the injected one) is moved."""
    instant = datetime.fromisoformat(os.environ["ECO_TEST_NOW"])
    assert abs(datetime.now(UTC) - instant) < timedelta(minutes=5)
    assert abs(Clock().now() - instant) < timedelta(minutes=5)
    assert Clock().today() == instant.astimezone(LIMA).date()
