"""The indicators' queries: one per figure of domain/indicators.py (its written definition is there).

Each figure is a *facts* query with the same columns (``subject`` counted distinct, ``day`` the
fact's own date, and the dimensions ``node``, ``methodology``, ``kind``, ``gender``); one
aggregation turns any of them into a total and a breakdown, so every figure follows the same
counting rules (distinct subjects; per group once in each group; per period once, in the period of
its first fact in the window).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import distinct_on

from services.circular.db.tables import (
    activities,
    activity_companies,
    attendees,
    companies,
    journeys,
    microcourse_learners,
    trainees,
    trainings,
)
from services.circular.domain.indicators import Dimension, Period, Window
from services.circular.domain.reference import ActivityKind, Methodology


@dataclass(frozen=True)
class Filters:
    node: str | None = None
    methodology: str | None = None
    kind: str | None = None


NULL_TEXT = sa.cast(sa.null(), sa.Text)


def _in_window(day: sa.ColumnElement[Any], window: Window) -> list[sa.ColumnElement[bool]]:
    conds = [day <= window.as_of]
    if window.start is not None:
        conds.append(day >= window.start)
    return conds


def _company_attendance(window: Window, *company: sa.ColumnElement[bool]) -> sa.Select[Any]:
    """Companies reached: at an activity (its attendance) or through the micro-course (a learner of
    the company enrolled, on the day enrolled; kind micro_course_cohort, methodology public_awareness).
    ``company`` conditions apply to the company's recorded facts (women-led, manufacturing)."""
    a, m = activities.c, microcourse_learners.c
    attended = (
        sa.select(
            activity_companies.c.ruc.label("subject"),
            a.held_on.label("day"),
            a.node.label("node"),
            a.methodology.label("methodology"),
            a.kind.label("kind"),
            NULL_TEXT.label("gender"),
        )
        .select_from(activity_companies.join(activities, activities.c.id == activity_companies.c.activity_id))
        .where(*_in_window(a.held_on, window))
    )
    enrolled = sa.select(
        m.company_ruc.label("subject"),
        m.enrolled_on.label("day"),
        m.node.label("node"),
        sa.literal(Methodology.public_awareness.value, sa.Text).label("methodology"),
        sa.literal(ActivityKind.micro_course_cohort.value, sa.Text).label("kind"),
        NULL_TEXT.label("gender"),
    ).where(m.company_ruc.is_not(None), *_in_window(m.enrolled_on, window))
    reached = sa.union_all(attended, enrolled).subquery("reached")
    stmt = sa.select(reached)
    if company:
        stmt = stmt.join(companies, companies.c.ruc == reached.c.subject).where(*company)
    return stmt


def companies_sensitised(window: Window) -> sa.Select[Any]:
    return _company_attendance(window)


def companies_sensitised_women_led(window: Window) -> sa.Select[Any]:
    return _company_attendance(window, companies.c.women_led.is_(True))


def companies_sensitised_women_led_not_stated(window: Window) -> sa.Select[Any]:
    """Not stated: no company row says (a micro-course learner's company may have none)."""
    a = _company_attendance(window).subquery("all_reached")
    known = sa.select(companies.c.ruc).where(companies.c.women_led.is_not(None))
    return sa.select(a).where(a.c.subject.not_in(known))


def companies_sensitised_manufacturing(window: Window) -> sa.Select[Any]:
    return _company_attendance(window, companies.c.manufacturing.is_(True))


def people_sensitised(window: Window) -> sa.Select[Any]:
    """People at activities, and micro-course learners (by their number's keyed hash, never the number)."""
    a, m = activities.c, microcourse_learners.c
    attended = (
        sa.select(
            attendees.c.person_key.label("subject"),
            a.held_on.label("day"),
            a.node.label("node"),
            a.methodology.label("methodology"),
            a.kind.label("kind"),
            attendees.c.gender.label("gender"),
        )
        .select_from(attendees.join(activities, activities.c.id == attendees.c.activity_id))
        .where(*_in_window(a.held_on, window))
    )
    learners = sa.select(
        ("whatsapp:" + m.phone_hash).label("subject"),
        m.enrolled_on.label("day"),
        m.node.label("node"),
        sa.literal(Methodology.public_awareness.value, sa.Text).label("methodology"),
        sa.literal(ActivityKind.micro_course_cohort.value, sa.Text).label("kind"),
        m.gender.label("gender"),
    ).where(*_in_window(m.enrolled_on, window))
    return sa.select(sa.union_all(attended, learners).subquery("people"))


def activities_held(window: Window) -> sa.Select[Any]:
    a = activities.c
    return sa.select(
        sa.cast(a.id, sa.Text).label("subject"),
        a.held_on.label("day"),
        a.node.label("node"),
        a.methodology.label("methodology"),
        a.kind.label("kind"),
        NULL_TEXT.label("gender"),
    ).where(*_in_window(a.held_on, window))


def _journeys(window: Window, *extra: sa.ColumnElement[bool]) -> sa.Select[Any]:
    j = journeys.c
    return sa.select(
        j.company_ruc.label("subject"),
        j.started_on.label("day"),
        j.node.label("node"),
        j.methodology.label("methodology"),
        NULL_TEXT.label("kind"),
        NULL_TEXT.label("gender"),
    ).where(*_in_window(j.started_on, window), *extra)


def companies_started_transition(window: Window) -> sa.Select[Any]:
    return _journeys(window)


def companies_started_transition_women_led(window: Window) -> sa.Select[Any]:
    """Women-led as the company's latest journey in the window records it."""
    j = journeys.c
    latest = (
        sa.select(j.company_ruc, j.women_led)
        .where(*_in_window(j.started_on, window))
        .order_by(j.company_ruc, j.started_on.desc(), j.created_at.desc())
        .ext(distinct_on(j.company_ruc))
        .subquery("latest")
    )
    women = sa.select(latest.c.company_ruc).where(latest.c.women_led.is_(True))
    return _journeys(window, j.company_ruc.in_(women))


def people_trained(window: Window) -> sa.Select[Any]:
    t, p = trainings.c, trainees.c
    return (
        sa.select(
            p.person_key.label("subject"),
            t.ends_on.label("day"),
            t.node.label("node"),
            t.methodology.label("methodology"),
            p.kind.label("kind"),
            p.gender.label("gender"),
        )
        .select_from(trainees.join(trainings, trainings.c.id == trainees.c.training_id))
        .where(*_in_window(t.ends_on, window), p.hours_attended >= t.hours * t.min_share)
    )


QUERIES: dict[str, Callable[[Window], sa.Select[Any]]] = {
    f.__name__: f
    for f in (
        companies_sensitised,
        companies_sensitised_women_led,
        companies_sensitised_women_led_not_stated,
        companies_sensitised_manufacturing,
        people_sensitised,
        activities_held,
        companies_started_transition,
        companies_started_transition_women_led,
        people_trained,
    )
}


def _filtered(facts: sa.Select[Any], filters: Filters) -> sa.Subquery:
    sub = facts.subquery("facts")
    conds = [
        sub.c[name] == value
        for name, value in (
            ("node", filters.node),
            ("methodology", filters.methodology),
            ("kind", filters.kind),
        )
        if value is not None
    ]
    return sa.select(sub).where(*conds).subquery("filtered")


async def figure(
    db: Any,
    name: str,
    window: Window,
    filters: Filters,
    *,
    group_by: Dimension | None = None,
    period: Period = Period.month,
) -> tuple[int, list[tuple[str, int]]]:
    """(total, [(group, value), ...]) of one figure; groups sorted by their key."""
    facts = _filtered(QUERIES[name](window), filters)
    total = int((await db.execute(sa.select(sa.func.count(facts.c.subject.distinct())))).scalar_one())
    if group_by is None:
        return total, []
    if group_by == Dimension.period:
        first = (
            sa.select(facts.c.subject, sa.func.min(facts.c.day).label("first_day"))
            .group_by(facts.c.subject)
            .subquery("first")
        )
        bucket = sa.func.to_char(sa.func.date_trunc(period.value, first.c.first_day), _PERIOD_FORMAT[period])
        stmt = sa.select(bucket.label("g"), sa.func.count()).group_by(bucket).order_by(bucket)
    else:
        column = sa.func.coalesce(facts.c[group_by.value], "not_stated")
        stmt = (
            sa.select(column.label("g"), sa.func.count(facts.c.subject.distinct()))
            .group_by(column)
            .order_by(column)
        )
    rows = (await db.execute(stmt)).all()
    return total, [(str(g), int(v)) for g, v in rows]


_PERIOD_FORMAT = {Period.month: "YYYY-MM", Period.quarter: 'YYYY-"Q"Q', Period.year: "YYYY"}
