"""Use cases of the transition journeys: commit (start), follow up, finish, abandon, read.

Finishing publishes ``circular.journey.finished`` with the figures of the success story the
hub drafts from it (catalog), each figure traced to the journey's commitment or follow-up.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from services.circular.api.schemas import FollowUpCreate, JourneyAbandon, JourneyCreate, JourneyFinish
from services.circular.db.repositories import CompanyRepository, FollowUpRepository, JourneyRepository
from services.circular.domain import access
from services.circular.domain.journeys import (
    Commitment,
    JourneyAction,
    JourneyStatus,
    Measurement,
    Resource,
    StoryFigure,
    apply,
    check_commitment,
    check_follow_up,
    ensure_may_finish,
    expected_annual_savings,
    latest_measurements,
    story_figures,
)
from shared.auth import Principal
from shared.deps import ReadDb
from shared.errors import RuleViolation
from shared.events.contracts import circular as contracts
from shared.mci import MciInput, material_circularity
from shared.ruc import ruc_problem
from shared.uow import UnitOfWork


def _commitment(row: sa.Row) -> dict[Resource, Commitment]:
    return {
        Resource(name): Commitment(
            baseline=Decimal(v["baseline"]),
            expected=Decimal(v["expected"]),
            unit_price=Decimal(v["unit_price"]),
        )
        for name, v in row.commitment.items()
    }


def _measurements(follow_ups: list[sa.Row]) -> dict[Resource, list[Measurement]]:
    measured: dict[Resource, list[Measurement]] = {}
    for item in follow_ups:
        for name, quantity in item.measured.items():
            measured.setdefault(Resource(name), []).append(
                Measurement(
                    follow_up_id=str(item.id), measured_on=item.measured_on, quantity=Decimal(quantity)
                )
            )
    return measured


def _figures(row: sa.Row, follow_ups: list[sa.Row]) -> list[StoryFigure]:
    return story_figures(str(row.id), _commitment(row), latest_measurements(_measurements(follow_ups)))


def _mci(inputs: dict[str, float]) -> tuple[dict[str, float], float]:
    result = material_circularity(MciInput(**inputs))
    return dict(vars(result)), result.mci


def _not_in_future(day: date, today: date, field: str) -> None:
    if day > today:
        raise RuleViolation(
            "journey.future_date",
            f"{field} cannot be in the future (today is {today.isoformat()} in Lima).",
            detail_es=f"{field} no puede estar en el futuro (hoy es {today.isoformat()} en Lima).",
            extra={"errors": [{"field": field, "in": "body", "message": "in the future"}]},
        )


def _not_before_start(day: date, row: sa.Row, field: str) -> None:
    if day < row.started_on:
        raise RuleViolation(
            "journey.before_start",
            f"{field} cannot be before the journey started ({row.started_on.isoformat()}).",
            detail_es=f"{field} no puede ser anterior al inicio del recorrido ({row.started_on.isoformat()}).",
            extra={"errors": [{"field": field, "in": "body", "message": "before the start"}]},
        )


def view(row: sa.Row, follow_ups: list[sa.Row]) -> dict[str, Any]:
    """A journey with its follow-ups and, once finished, the story's figures and their sources."""
    latest_mci = next((f.mci for f in reversed(follow_ups) if f.mci is not None), None)
    finished = row.status == JourneyStatus.finished.value
    return {
        **row._asdict(),
        "resources": row.commitment,
        "mci_latest": latest_mci,
        "follow_ups": [f._asdict() for f in follow_ups],
        "story_figures": [vars(f) for f in _figures(row, follow_ups)] if finished else None,
    }


async def start(uow: UnitOfWork, caller: Principal, body: JourneyCreate) -> dict[str, Any]:
    problem = ruc_problem(body.company_ruc)
    if problem is not None:
        raise RuleViolation(
            problem.rule,
            problem.message,
            detail_es=problem.message_es,
            extra={"errors": [{"field": "company_ruc", "in": "body", "message": problem.message}]},
        )
    today = uow.clock.today()
    started_on = body.started_on or today
    _not_in_future(started_on, today, "started_on")
    figures = {
        resource: Commitment(baseline=c.baseline, expected=c.expected, unit_price=c.unit_price)
        for resource, c in body.resources.items()
    }
    check_commitment(figures, body.investment)
    inputs = body.mci.model_dump()
    result, mci = _mci(inputs)
    async with uow:
        now = uow.clock.now()
        # The company as the programme knows it: the journey's statement of who leads it is its latest fact.
        await CompanyRepository(uow.session).upsert(
            ruc=body.company_ruc,
            facts={"legal_name": body.company_name, "women_led": body.women_led},
            now=now,
        )
        row = await JourneyRepository(uow.session).create(
            values={
                "id": uuid.uuid4(),
                "company_ruc": body.company_ruc,
                "company_name": body.company_name,
                "women_led": body.women_led,
                "node": body.node.value if body.node else None,
                "started_on": started_on,
                "status": JourneyStatus.committed.value,
                "title": body.title,
                "measure": body.measure,
                "methodology": body.methodology.value if body.methodology else None,
                "mci_inputs": inputs,
                "mci_result": result,
                "mci_baseline": mci,
                "commitment": {
                    r.value: {
                        "baseline": str(c.baseline),
                        "expected": str(c.expected),
                        "unit_price": str(c.unit_price),
                    }
                    for r, c in figures.items()
                },
                "investment": body.investment,
                "expected_annual_savings": expected_annual_savings(figures),
                "created_by": caller.subject,
                "created_at": now,
                "updated_at": now,
            }
        )
        await uow.commit()
    return view(row, [])


async def follow_up(
    uow: UnitOfWork, caller: Principal, journey_id: uuid.UUID, body: FollowUpCreate
) -> dict[str, Any]:
    async with uow:
        journeys = JourneyRepository(uow.session)
        row = await journeys.get_or_raise(journey_id=journey_id, for_update=True)
        status = apply(row.status, JourneyAction.follow_up)
        check_follow_up(_commitment(row), body.measured)
        _not_in_future(body.measured_on, uow.clock.today(), "measured_on")
        _not_before_start(body.measured_on, row, "measured_on")
        mci_inputs = body.mci.model_dump() if body.mci else None
        mci = _mci(mci_inputs)[1] if mci_inputs else None
        now = uow.clock.now()
        follow_ups = FollowUpRepository(uow.session)
        await follow_ups.create(
            values={
                "id": uuid.uuid4(),
                "journey_id": journey_id,
                "measured_on": body.measured_on,
                "measured": {r.value: str(q) for r, q in body.measured.items()},
                "mci_inputs": mci_inputs,
                "mci": mci,
                "note": body.note,
                "recorded_by": caller.subject,
                "recorded_at": now,
            }
        )
        row = await journeys.update(journey_id=journey_id, values={"status": status.value, "updated_at": now})
        result = view(row, await follow_ups.all_for_journey(journey_id=journey_id))
        await uow.commit()
    return result


async def finish(
    uow: UnitOfWork, caller: Principal, journey_id: uuid.UUID, body: JourneyFinish
) -> dict[str, Any]:
    async with uow:
        journeys = JourneyRepository(uow.session)
        row = await journeys.get_or_raise(journey_id=journey_id, for_update=True)
        status = apply(row.status, JourneyAction.finish)
        items = await FollowUpRepository(uow.session).all_for_journey(journey_id=journey_id)
        latest = latest_measurements(_measurements(items))
        ensure_may_finish(latest)
        today = uow.clock.today()
        finished_on = body.finished_on or today
        _not_in_future(finished_on, today, "finished_on")
        _not_before_start(finished_on, row, "finished_on")
        now = uow.clock.now()
        row = await journeys.update(
            journey_id=journey_id,
            values={"status": status.value, "finished_on": finished_on, "updated_at": now},
        )
        latest_mci = next((f.mci for f in reversed(items) if f.mci is not None), None)
        uow.publish(
            contracts.JourneyFinished(
                journey_id=row.id,
                ruc=row.company_ruc,
                legal_name=row.company_name,
                title=row.title,
                measure=row.measure,
                node=row.node,
                women_led=row.women_led,
                started_on=row.started_on,
                finished_on=finished_on,
                investment=row.investment,
                expected_annual_savings=row.expected_annual_savings,
                mci_baseline=row.mci_baseline,
                mci_after=latest_mci,
                figures=[
                    contracts.JourneyFigure(**{**vars(f), "resource": f.resource.value})
                    for f in _figures(row, items)
                ],
                finished_at=now,
            )
        )
        result = view(row, items)
        await uow.commit()
    return result


async def abandon(
    uow: UnitOfWork, caller: Principal, journey_id: uuid.UUID, body: JourneyAbandon
) -> dict[str, Any]:
    async with uow:
        journeys = JourneyRepository(uow.session)
        row = await journeys.get_or_raise(journey_id=journey_id, for_update=True)
        status = apply(row.status, JourneyAction.abandon)
        today = uow.clock.today()
        abandoned_on = body.abandoned_on or today
        _not_in_future(abandoned_on, today, "abandoned_on")
        _not_before_start(abandoned_on, row, "abandoned_on")
        row = await journeys.update(
            journey_id=journey_id,
            values={
                "status": status.value,
                "abandoned_on": abandoned_on,
                "abandon_reason": body.reason,
                "updated_at": uow.clock.now(),
            },
        )
        result = view(row, await FollowUpRepository(uow.session).all_for_journey(journey_id=journey_id))
        await uow.commit()
    return result


async def read(db: ReadDb, caller: Principal, *, journey_id: uuid.UUID) -> dict[str, Any]:
    row = await JourneyRepository(db).get_or_raise(journey_id=journey_id)
    access.ensure_may_read_journey(caller, ruc=row.company_ruc)
    return view(row, await FollowUpRepository(db).all_for_journey(journey_id=journey_id))


async def page(
    db: ReadDb,
    caller: Principal,
    *,
    status: JourneyStatus | None,
    node: str | None,
    ruc: str | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[sa.Row], str | None]:
    scope = access.journey_scope(caller)
    if scope is not None:
        ruc = scope
    return await JourneyRepository(db).page(
        status=status.value if status else None, node=node, ruc=ruc, cursor=cursor, limit=limit
    )
