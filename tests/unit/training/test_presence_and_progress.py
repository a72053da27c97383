"""Presence arithmetic and the company attendance rule."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal

from services.training.domain.presence import Interval, presence_seconds, reaches_share, share
from services.training.domain.progress import (
    SessionPresence,
    attended_workshops,
    progress_cells,
    workshop_results,
)
from shared.clock import LIMA

START = datetime(2025, 4, 8, 9, 0, tzinfo=LIMA)
END = START + timedelta(hours=1)


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def test_exactly_the_minimum_share_counts():
    assert reaches_share(45 * 60, 60, Decimal("0.75"))
    assert not reaches_share(45 * 60 - 1, 60, Decimal("0.75"))
    # 60 of 90 minutes is 0.6666...: below 0.667, and 70 % of 100 minutes is exactly enough.
    assert reaches_share(60 * 60, 90, Decimal("0.667")) is False
    assert reaches_share(int(0.7 * 100 * 60), 100, Decimal("0.7"))


def test_share_is_clamped_to_one():
    assert share(90 * 60, 60) == 1.0
    assert share(30 * 60, 60) == 0.5


def test_overlapping_connections_are_not_counted_twice():
    laptop = Interval(at(0), at(40))
    phone = Interval(at(30), at(50))
    assert presence_seconds([laptop, phone], window_start=START, window_end=END) == 50 * 60


def test_separate_stretches_add_up_and_are_clipped_to_the_session():
    early = Interval(at(-30), at(20))  # only the 20 minutes inside the session count
    back = Interval(at(40), at(90))  # only up to the end
    assert presence_seconds([early, back], window_start=START, window_end=END) == 40 * 60


def test_minutes_without_times_add_up_and_never_exceed_the_session():
    assert presence_seconds([], window_start=START, window_end=END, extra_minutes=[20, 15.5]) == 35.5 * 60
    assert presence_seconds([], window_start=START, window_end=END, extra_minutes=[50, 50]) == 60 * 60


def _presence(participant, workshop, seconds, *, duration=60, session=None, people=1):
    return SessionPresence(participant, workshop, session or uuid.uuid4(), duration, seconds, people)


def test_a_company_attends_when_one_person_reaches_the_share_not_by_adding_people():
    company = uuid.uuid4()
    # Two people of 40 minutes each in a 60-minute session: the best is 0.667 < 0.75.
    results = workshop_results([_presence(company, 3, 40 * 60, people=2)], Decimal("0.75"))
    assert results[company][3].attended is False
    assert results[company][3].best_share == 0.6667
    assert results[company][3].attendees_present == 2


def test_the_best_session_of_a_workshop_wins():
    company = uuid.uuid4()
    results = workshop_results(
        [_presence(company, 2, 20 * 60), _presence(company, 2, 100 * 60, duration=120)], Decimal("0.75")
    )
    assert results[company][2].attended is True
    assert results[company][2].best_minutes == 100.0
    assert attended_workshops(results[company]) == [2]


def test_a_workshop_held_twice_keeps_the_best_of_each_measure():
    company = uuid.uuid4()
    first = _presence(company, 5, 50 * 60, duration=60, people=3)  # 0.8333, attended
    second = _presence(company, 5, 70 * 60, duration=120, people=1)  # 0.5833, more minutes
    results = workshop_results([first, second], Decimal("0.75"))[company]
    assert results[5] == results[5].__class__(
        workshop_number=5,
        attended=True,
        best_share=0.8333,
        best_minutes=70.0,
        attendees_present=3,
        women_present=0,
    )


def test_progress_cells_align_with_the_eleven_workshops():
    company = uuid.uuid4()
    results = workshop_results(
        [_presence(company, 0, 30 * 60), _presence(company, 10, 60 * 60)], Decimal("0.75")
    )
    cells = progress_cells(results[company])
    assert len(cells.attended) == len(cells.share) == len(cells.minutes) == 11
    assert cells.attended[0] is False and cells.share[0] == 0.5 and cells.minutes[0] == 30.0
    assert cells.attended[10] is True and cells.share[10] == 1.0
    assert cells.share[1:10] == [None] * 9
    assert progress_cells({}).attended == [False] * 11
