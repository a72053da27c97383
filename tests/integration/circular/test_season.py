"""A realistic season of the circular-economy programme, loaded through the service's own doors,
and the figures it must report: computed here, from the generated data, not from the code under test.

The season covers the six calendar months before the current one (Lima dates from the test clock):
- sensitisation: activities held by the three nodes each month (talks, workshops, fairs), with
  attendance sheets (CSV, Spanish headers) imported through the activity import: several hundred
  companies, each attending one or two activities of its own node, one or two people each;
- the micro-course: a cohort of learners sent as the provider's signed messages (recorded payloads):
  enrolments over the months, modules, completions, a learner outside the nodes, a replayed message;
- transition journeys: a handful of companies commit to a measure (some led by women), are followed
  up and finish or abandon; one company starts two journeys (it started the transition once).

The database is shared with other tests and earlier runs, so every figure is compared as the change
between a report before loading and one after: the season's RUCs and numbers are new, so the change
is exactly the season's contribution.
"""

from __future__ import annotations

import asyncio
import csv
import io
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from shared.clock import LIMA
from shared.ruc import complete_ruc
from tests.integration.circular.conftest import API
from tests.support.microcourse import as_learner, deliver, new_number, recorded

NODES = ("arequipa", "la_libertad", "lima")
NODE_NAMES = {"arequipa": "Arequipa", "la_libertad": "La Libertad", "lima": "Lima"}
GENDER_WORDS = {"female": "Mujer", "male": "Hombre", "other": "Otro", "not_stated": ""}
KINDS = ("talk", "workshop", "fair")
MCI = {
    "recycled_feedstock": 0.1,
    "reused_feedstock": 0,
    "collected_for_recycling": 0.2,
    "collected_for_reuse": 0,
    "feedstock_recycling_efficiency": 0.8,
    "collection_recycling_efficiency": 0.8,
    "lifetime": 5,
    "average_lifetime": 5,
}


@dataclass
class Company:
    ruc: str
    name: str
    node: str
    women_led: bool | None
    people: list[tuple[str, str]]  # (full name, gender)


@dataclass
class Activity:
    node: str
    kind: str
    held_on: date
    companies: list[Company]


@dataclass
class Learner:
    number: str
    region: str  # as the learner answers: a node's name, or another region
    node: str | None
    gender: str
    enrolled_on: date
    modules: int
    completed_on: date | None
    ruc: str | None  # the company the learner works for, as answered (one of the season's, or a new one)


@dataclass
class Journey:
    company: Company
    women_led: bool
    started_on: date
    end: str  # "finished" | "abandoned" | "open"


@dataclass
class Season:
    months: list[tuple[date, date]]
    activities: list[Activity] = field(default_factory=list)
    learners: list[Learner] = field(default_factory=list)
    journeys: list[Journey] = field(default_factory=list)


def month_windows(today: date, count: int) -> list[tuple[date, date]]:
    first_of_this = today.replace(day=1)
    windows = []
    end = first_of_this - timedelta(days=1)
    for _ in range(count):
        start = end.replace(day=1)
        windows.append((start, end))
        end = start - timedelta(days=1)
    return list(reversed(windows))


def a_day_in(rng: random.Random, window: tuple[date, date]) -> date:
    return window[0] + timedelta(days=rng.randrange((window[1] - window[0]).days + 1))


def generate(today: date, seed: int) -> Season:
    rng = random.Random(seed)
    season = Season(months=month_windows(today, 6))
    first = ["Rosa", "María", "Lucía", "Carmen", "Ana", "Jorge", "Luis", "Carlos", "Pedro", "Alex"]
    last = ["Quispe", "Mamani", "Flores", "Huamán", "Rojas", "Vargas", "Torres", "Ramos", "Castillo"]
    rucs: set[str] = set()
    pools: dict[str, list[Company]] = {}
    for node in NODES:
        pools[node] = []
        for i in range(110):
            ruc = complete_ruc("20" + "".join(rng.choices("0123456789", k=8)))
            while ruc in rucs:
                ruc = complete_ruc("20" + "".join(rng.choices("0123456789", k=8)))
            rucs.add(ruc)
            people = []
            for _ in range(rng.choice((1, 1, 2))):
                gender = rng.choices(list(GENDER_WORDS), weights=(50, 40, 3, 7))[0]
                people.append((f"{rng.choice(first)} {rng.choice(last)} {ruc[-4:]}{len(people)}", gender))
            women_led = rng.choices((True, False, None), weights=(45, 45, 10))[0]
            pools[node].append(
                Company(ruc, f"Empresa {NODE_NAMES[node]} {i} S.A.C.", node, women_led, people)
            )
    # Each company attends one to three activities of its node, in any months.
    slots: dict[str, list[Activity]] = defaultdict(list)
    for month in season.months:
        for node in NODES:
            for _ in range(rng.choice((1, 2))):
                activity = Activity(node, rng.choice(KINDS), a_day_in(rng, month), [])
                slots[node].append(activity)
                season.activities.append(activity)
    for node in NODES:
        for company in pools[node]:
            for activity in rng.sample(slots[node], k=min(len(slots[node]), rng.choice((1, 1, 2)))):
                activity.companies.append(company)
    season.activities = [a for a in season.activities if a.companies]
    # The micro-course cohort: enrolments spread over the months; most finish some modules.
    for _ in range(45):
        region = rng.choice(["Arequipa", "La Libertad", "Lima", "Lima", "Cusco"])
        node = {"Arequipa": "arequipa", "La Libertad": "la_libertad", "Lima": "lima"}.get(region)
        gender = rng.choices(["female", "male", "not_stated"], weights=(55, 40, 5))[0]
        enrolled = a_day_in(rng, rng.choice(season.months[:-1]))
        modules = rng.choice((0, 1, 3, 5, 5))
        completed = (
            enrolled + timedelta(days=rng.randrange(3, 20)) if modules == 5 and rng.random() < 0.8 else None
        )
        if completed and completed > season.months[-1][1]:
            completed = None
        ruc = None
        if node and rng.random() < 0.3:
            ruc = rng.choice(pools[node]).ruc  # a company also met at an activity
        elif rng.random() < 0.2:
            ruc = complete_ruc("20" + "".join(rng.choices("0123456789", k=8)))  # met only through the course
            while ruc in rucs:
                ruc = complete_ruc("20" + "".join(rng.choices("0123456789", k=8)))
            rucs.add(ruc)
        season.learners.append(
            Learner(new_number(long=True), region, node, gender, enrolled, modules, completed, ruc)
        )
    # A handful of journeys, among the season's companies; one company starts twice.
    chosen = rng.sample([c for node in NODES for c in pools[node]], k=9)
    ends = ["finished", "finished", "finished", "abandoned", "open", "open", "open", "open", "open"]
    for company, end in zip(chosen, ends, strict=True):
        women_led = bool(company.women_led) if company.women_led is not None else rng.random() < 0.5
        season.journeys.append(Journey(company, women_led, a_day_in(rng, rng.choice(season.months[:3])), end))
    twice = season.journeys[-1]
    season.journeys.append(
        Journey(twice.company, twice.women_led, twice.started_on + timedelta(days=20), "open")
    )
    return season


def attendance_csv(activity: Activity) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["LISTA DE ASISTENCIA", f"{activity.kind} {activity.held_on:%d/%m/%Y}"])
    writer.writerow(["RUC", "Razón social", "Liderada por mujer", "Nombres y apellidos", "Género", "Cargo"])
    for company in activity.companies:
        led = {True: "sí", False: "no", None: ""}[company.women_led]
        for full_name, gender in company.people:
            writer.writerow([company.ruc, company.name, led, full_name, GENDER_WORDS[gender], "Gerente"])
    return out.getvalue().encode("utf-8-sig")


def at_noon_lima(day: date) -> str:
    return datetime.combine(day, time(12), tzinfo=LIMA).astimezone(UTC).isoformat()


# --- what the season must report, computed from the generated data ---------------------------------


def expected_sensitised(season: Season, since: date, until: date) -> dict[str, object]:
    """Women-led is the company's latest record: its sheets, then its journey (loaded after them)."""
    in_window = [a for a in season.activities if since <= a.held_on <= until]
    stated = {j.company.ruc: j.women_led for j in season.journeys}
    firsts: dict[str, date] = {}
    by_node: dict[str, set[str]] = defaultdict(set)
    women: set[str] = set()
    facts = [
        (c.ruc, a.held_on, a.node, stated.get(c.ruc, c.women_led)) for a in in_window for c in a.companies
    ]
    sheets = {c.ruc: c for a in season.activities for c in a.companies}
    for learner in season.learners:  # a learner's company is reached the day the learner enrolled
        if learner.ruc and since <= learner.enrolled_on <= until:
            known = sheets.get(learner.ruc)
            led = stated.get(learner.ruc, known.women_led if known else None)
            facts.append((learner.ruc, learner.enrolled_on, learner.node, led))
    for ruc, day, node, led in facts:
        if node:
            by_node[node].add(ruc)
        firsts[ruc] = min(firsts.get(ruc, day), day)
        if led:
            women.add(ruc)
    by_month = Counter(f"{day:%Y-%m}" for day in firsts.values())
    learners = {(lr.number, None, lr.gender) for lr in season.learners if since <= lr.enrolled_on <= until}
    people = learners | {
        (full_name, company.ruc, gender)
        for a in in_window
        for company in a.companies
        for full_name, gender in company.people
    }
    return {
        "total": len(firsts),
        "women_led": len(women),
        "by_node": {node: len(rucs) for node, rucs in by_node.items()},
        "by_month": dict(by_month),
        "activities": len(in_window),
        "people_by_gender": dict(Counter(gender for _, _, gender in people)),
    }


def expected_reach(season: Season, since: date, until: date) -> dict[str, Counter]:
    enrolled: Counter = Counter()
    completed: Counter = Counter()
    for learner in season.learners:
        if since <= learner.enrolled_on <= until:
            for key in (("node", learner.node), ("gender", learner.gender), ("total", None)):
                enrolled[key] += 1
                if learner.completed_on is not None and learner.completed_on <= until:
                    completed[key] += 1
    return {"enrolled": enrolled, "completed": completed}


def expected_started(season: Season, until: date) -> dict[str, object]:
    firsts: dict[str, Journey] = {}
    for journey in sorted(season.journeys, key=lambda j: j.started_on):
        if journey.started_on <= until:
            firsts.setdefault(journey.company.ruc, journey)
    by_node = Counter(j.company.node for j in firsts.values())
    women_by_node = Counter(j.company.node for j in firsts.values() if j.women_led)
    return {
        "total": len(firsts),
        "women_led": sum(women_by_node.values()),
        "by_node": dict(by_node),
        "women_by_node": dict(women_by_node),
        "by_month": dict(Counter(f"{j.started_on:%Y-%m}" for j in firsts.values())),
    }


# --- reading the service's figures --------------------------------------------------------------


async def reach_snapshot(client, officer, since: date, until: date) -> dict[str, Counter]:
    response = await client.get(
        f"{API}/microcourse/reach",
        params={"since": since.isoformat(), "as_of": until.isoformat()},
        headers=officer,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    enrolled: Counter = Counter()
    completed: Counter = Counter()
    for row in body["by_node"]:
        enrolled[("node", row["node"])] += row["enrolled"]
        completed[("node", row["node"])] += row["completed"]
    for row in body["by_gender"]:
        enrolled[("gender", row["gender"])] += row["enrolled"]
        completed[("gender", row["gender"])] += row["completed"]
    enrolled[("total", None)] += body["total"]["enrolled"]
    completed[("total", None)] += body["total"]["completed"]
    return {"enrolled": enrolled, "completed": completed}


async def indicators(client, officer, since: date, until: date, group_by: str | None = None) -> dict:
    params = {"from": since.isoformat(), "as_of": until.isoformat()}
    if group_by:
        params["group_by"] = group_by
    response = await client.get(f"{API}/indicators", params=params, headers=officer)
    assert response.status_code == 200, response.text
    return {
        f["name"]: {"total": f["total"], "groups": {g["group"]: g["value"] for g in (f["groups"] or [])}}
        for f in response.json()["figures"]
    }


def change(after: dict, before: dict, name: str, group: str | None = None) -> int:
    if group is None:
        return after[name]["total"] - before[name]["total"]
    return after[name]["groups"].get(group, 0) - before[name]["groups"].get(group, 0)


def minus(after: Counter, before: Counter) -> Counter:
    return Counter({k: after[k] - before[k] for k in set(after) | set(before) if after[k] - before[k]})


# --- the season -----------------------------------------------------------------------------------


async def load(client, officer, settings, season: Season) -> None:
    for activity in season.activities:
        created = await client.post(
            f"{API}/activities",
            json={
                "kind": activity.kind,
                "title": f"{activity.kind} de economía circular",
                "held_on": activity.held_on.isoformat(),
                "node": activity.node,
                "organiser_kind": "node",
                "organiser": f"Nodo {NODE_NAMES[activity.node]}",
                "methodology": "public_awareness",
            },
            headers=officer,
        )
        assert created.status_code == 201, created.text
        imported = await client.post(
            f"{API}/activities/{created.json()['id']}/attendance/import",
            content=attendance_csv(activity),
            headers=officer | {"content-type": "text/csv"},
        )
        assert imported.status_code == 200, imported.text
    secret = settings.circular_microcourse_webhook_secret
    messages = []
    for learner in season.learners:
        when = at_noon_lima(learner.enrolled_on)
        gender = {"female": "Mujer", "male": "Hombre", "not_stated": ""}[learner.gender]
        enrol = as_learner(
            recorded("enrolment_created.json"), learner.number, timestamp=when, region=learner.region
        )
        enrol["data"]["answers"]["gender"] = gender
        enrol["data"]["answers"]["ruc"] = learner.ruc or ""
        messages.append(enrol)
        for module in range(1, learner.modules + 1):
            messages.append(
                as_learner(recorded("module_completed.json"), learner.number, timestamp=when, module=module)
            )
        if learner.completed_on:
            done_at = at_noon_lima(learner.completed_on)
            messages.append(as_learner(recorded("course_completed.json"), learner.number, timestamp=done_at))
    # Delivered as a provider does: several at once, a learner's messages in no particular order.
    random.Random(len(messages)).shuffle(messages)
    for start in range(0, len(messages), 8):
        batch = messages[start : start + 8]
        for response in await asyncio.gather(*(deliver(client, secret, m) for m in batch)):
            assert response.status_code == 200 and response.json()["outcome"] == "applied", response.text
    # The provider retries one delivery: the same message id, nothing counted twice.
    replay = await deliver(client, secret, enrol, message_id="season-replay-" + season.learners[-1].number)
    again = await deliver(client, secret, enrol, message_id="season-replay-" + season.learners[-1].number)
    assert (replay.json()["outcome"], again.json()["outcome"]) == ("applied", "duplicate")
    for journey in season.journeys:
        started = await client.post(
            f"{API}/journeys",
            json={
                "company_ruc": journey.company.ruc,
                "company_name": journey.company.name,
                "women_led": journey.women_led,
                "node": journey.company.node,
                "started_on": journey.started_on.isoformat(),
                "title": "Reúso de agua de lavado",
                "measure": "Recirculación del agua de lavado con filtro de arena.",
                "methodology": "ecocanvas",
                "mci": MCI,
                "resources": {"water": {"baseline": 1200, "expected": 800, "unit_price": "5.20"}},
                "investment": 6500,
            },
            headers=officer,
        )
        assert started.status_code == 201, started.text
        jid = started.json()["id"]
        if journey.end == "finished":
            measured_on = (journey.started_on + timedelta(days=45)).isoformat()
            follow = {"measured_on": measured_on, "measured": {"water": 850}}
            assert (
                await client.post(f"{API}/journeys/{jid}/follow-ups", json=follow, headers=officer)
            ).status_code == 201
            finished = await client.post(
                f"{API}/journeys/{jid}/finish", json={"finished_on": measured_on}, headers=officer
            )
            assert finished.status_code == 200, finished.text
        elif journey.end == "abandoned":
            body = {
                "abandoned_on": (journey.started_on + timedelta(days=10)).isoformat(),
                "reason": "sin presupuesto",
            }
            assert (
                await client.post(f"{API}/journeys/{jid}/abandon", json=body, headers=officer)
            ).status_code == 200


async def test_a_season_reports_the_expected_counts_by_node_gender_and_period(
    client, officer, circular_settings, circular_clock
):
    season = generate(circular_clock.today(), seed=random.SystemRandom().randrange(10**6))
    since, until = season.months[0][0], season.months[-1][1]
    companies = {c.ruc for a in season.activities for c in a.companies}
    assert len(companies) >= 300 and len(season.activities) >= 18  # a realistic season, not a toy

    reach_before = {m: await reach_snapshot(client, officer, *m) for m in [(since, until), *season.months]}
    report_before = {
        g: await indicators(client, officer, since, until, g) for g in (None, "node", "period", "gender")
    }

    await load(client, officer, circular_settings, season)

    # The micro-course: reach and completion by node and gender, over the season and month by month.
    for window in [(since, until), *season.months]:
        got = {
            k: minus(v, reach_before[window][k])
            for k, v in (await reach_snapshot(client, officer, *window)).items()
        }
        want = expected_reach(season, *window)
        assert got["enrolled"] == +want["enrolled"], window
        assert got["completed"] == +want["completed"], window

    report_after = {
        g: await indicators(client, officer, since, until, g) for g in (None, "node", "period", "gender")
    }
    sensitised = expected_sensitised(season, since, until)
    started = expected_started(season, until)
    totals, nodes, periods = report_after[None], report_after["node"], report_after["period"]
    assert change(totals, report_before[None], "companies_sensitised") == sensitised["total"]
    assert change(totals, report_before[None], "companies_sensitised_women_led") == sensitised["women_led"]
    assert change(totals, report_before[None], "activities_held") == sensitised["activities"]
    for node in NODES:
        assert change(nodes, report_before["node"], "companies_sensitised", node) == sensitised[
            "by_node"
        ].get(node, 0)
        assert change(nodes, report_before["node"], "companies_started_transition", node) == started[
            "by_node"
        ].get(node, 0)
        assert change(
            nodes, report_before["node"], "companies_started_transition_women_led", node
        ) == started["women_by_node"].get(node, 0)
    for month, count in sensitised["by_month"].items():
        assert change(periods, report_before["period"], "companies_sensitised", month) == count, month
    for month, count in started["by_month"].items():
        assert change(periods, report_before["period"], "companies_started_transition", month) == count, month
    assert change(totals, report_before[None], "companies_started_transition") == started["total"]
    assert (
        change(totals, report_before[None], "companies_started_transition_women_led") == started["women_led"]
    )
    # The season is what it claims: hundreds sensitised (at activities or through the micro-course),
    # nine companies started (one of them twice).
    through_course = {lr.ruc for lr in season.learners if lr.ruc}
    assert sensitised["total"] == len(companies | through_course) and started["total"] == 9
    month_changes = [
        change(periods, report_before["period"], "companies_sensitised", m) for m in sensitised["by_month"]
    ]
    assert sum(month_changes) == sensitised["total"]  # by period a company counts once, in its first month
    for gender, count in sensitised["people_by_gender"].items():
        assert (
            change(report_after["gender"], report_before["gender"], "people_sensitised", gender) == count
        ), gender
