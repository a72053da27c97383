"""The certificate of attendance, session dates, who a visit is for and who may see what,
in the programme's words."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from services.training.domain.access import company_scope, ensure_may_act_for, ensure_may_see_session
from services.training.domain.assistance import visit_monitor
from services.training.domain.attendees import Attendee, ensure_in_cohort
from services.training.domain.certificates import certified_workshops
from services.training.domain.sessions import lima_days, minutes_between
from shared.auth import Principal, Role
from shared.clock import LIMA
from shared.errors import NotFound, RuleViolation

NINE = datetime(2025, 4, 8, 9, 0, tzinfo=LIMA)
COHORT = uuid.UUID(int=1)


@dataclass
class Attended:
    workshop_number: int
    title_es: str
    starts_at: datetime
    duration_minutes: int
    seconds_present: int


@dataclass
class Company:
    participant_id: uuid.UUID
    monitor_id: uuid.UUID | None
    monitor_subject: str | None
    ruc: str = "20100070970"
    cohort_id: uuid.UUID = COHORT


def caller(role: Role, **extra: object) -> Principal:
    return Principal(subject="someone", role=role, expires_at=2**40, **extra)


def test_a_certificate_lists_only_the_workshops_attended_for_the_cohorts_share():
    sessions = [
        Attended(4, "Eficiencia energética", NINE, 60, 45 * 60),  # exactly 75 %: attended
        Attended(3, "Economía circular", NINE + timedelta(days=1), 60, 45 * 60 - 1),  # just short
    ]
    certified = certified_workshops(sessions, min_share=Decimal("0.75"), full_name="María")
    assert [w.workshop_number for w in certified] == [4]


def test_nothing_to_certify_before_the_first_workshop_attended():
    short = [Attended(4, "Eficiencia energética", NINE, 60, 20 * 60)]
    with pytest.raises(RuleViolation) as refused:
        certified_workshops(short, min_share=Decimal("0.75"), full_name="María")
    assert refused.value.extra["rule"] == "nothing_to_certify" and "75%" in refused.value.detail


def test_lima_dates_take_the_whole_last_day():
    start, end = lima_days(date(2025, 4, 8), date(2025, 4, 8))
    assert start == NINE.replace(hour=0) and end == NINE.replace(hour=0) + timedelta(days=1)
    assert lima_days(None, None) == (None, None)


def test_a_session_ends_after_it_starts():
    assert minutes_between(NINE, NINE + timedelta(hours=2, minutes=30)) == 150
    assert minutes_between(NINE, None) is None
    with pytest.raises(RuleViolation):
        minutes_between(NINE, NINE)


def test_a_company_lists_only_itself_whatever_it_asks():
    own = caller(Role.company, ruc="20100070970")
    assert company_scope(own, None) == "20100070970"
    with pytest.raises(NotFound):
        company_scope(own, "20131312955")
    assert company_scope(caller(Role.promperu_officer), None) is None


def test_a_monitor_acts_only_for_its_companies_and_learns_nothing_of_the_others():
    mine = Company(uuid.uuid4(), None, "monitor-luis")
    other = Company(uuid.uuid4(), uuid.uuid4(), "monitor-ana")
    luis = Principal(subject="monitor-luis", role=Role.monitor, expires_at=2**40)
    ensure_may_act_for(luis, mine)
    with pytest.raises(NotFound):
        ensure_may_act_for(luis, other, what="Attendee")
    ensure_may_act_for(caller(Role.promperu_officer), other)


def test_a_company_sees_only_its_own_cohorts_sessions():
    cohort, elsewhere = uuid.uuid4(), uuid.uuid4()
    ensure_may_see_session(session_id=uuid.uuid4(), cohort_id=cohort, own_cohorts={cohort})
    ensure_may_see_session(session_id=uuid.uuid4(), cohort_id=elsewhere, own_cohorts=None)
    with pytest.raises(NotFound):
        ensure_may_see_session(session_id=uuid.uuid4(), cohort_id=elsewhere, own_cohorts={cohort})


def test_an_officer_logs_a_visit_for_the_assigned_monitor_and_a_monitor_for_itself():
    luis = Principal(subject="monitor-luis", name="Luis Paredes", role=Role.monitor, expires_at=2**40)
    assert visit_monitor(luis, assigned_name="Ana Ríos", ruc="20100070970") == (
        "monitor-luis",
        "Luis Paredes",
    )
    officer = caller(Role.promperu_officer)
    assert visit_monitor(officer, assigned_name="Ana Ríos", ruc="20100070970") == (None, "Ana Ríos")
    with pytest.raises(RuleViolation) as refused:
        visit_monitor(officer, assigned_name=None, ruc="20100070970")
    assert refused.value.extra["rule"] == "no_monitor_assigned"


def test_a_person_attends_only_the_sessions_of_their_companys_cohort():
    company = Company(uuid.uuid4(), None, None)
    person = Attendee(
        uuid.uuid4(), company.participant_id, "40123456", "Rosa Díaz", None, "female", None, NINE, NINE
    )
    ensure_in_cohort(person, company=company, cohort_id=company.cohort_id)
    with pytest.raises(RuleViolation) as refused:
        ensure_in_cohort(person, company=company, cohort_id=uuid.uuid4())
    assert refused.value.extra["rule"] == "attendee_not_in_cohort"
