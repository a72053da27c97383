"""Transition journeys: a company commits to a measure with its MCI baseline, is followed up,
finishes (a draft success story follows in the hub) or abandons."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from services.circular.api.roles import JourneyReader, JourneyWriter
from services.circular.api.schemas import (
    FollowUpCreate,
    JourneyAbandon,
    JourneyCreate,
    JourneyFinish,
    JourneyPublic,
    JourneysPublic,
    JourneySummaryPublic,
)
from services.circular.domain.journeys import JourneyStatus
from services.circular.domain.reference import Node
from services.circular.handlers import journeys
from shared.deps import DEFAULT_PAGE_SIZE, CursorQuery, LimitQuery, ReadDbDep, UowDep

router = APIRouter(tags=["journeys"])


@router.post(
    "/journeys",
    response_model=JourneyPublic,
    status_code=201,
    summary="A company starts the transition: a measure committed with its MCI baseline and expected savings",
)
async def start_journey(body: JourneyCreate, uow: UowDep, caller: JourneyWriter) -> JourneyPublic:
    return JourneyPublic.model_validate(await journeys.start(uow, caller, body))


@router.get(
    "/journeys", response_model=JourneysPublic, summary="Transition journeys (a company sees its own)"
)
async def list_journeys(
    db: ReadDbDep,
    caller: JourneyReader,
    status: JourneyStatus | None = None,
    node: Node | None = None,
    ruc: str | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_PAGE_SIZE,
) -> JourneysPublic:
    rows, next_cursor = await journeys.page(
        db, caller, status=status, node=node.value if node else None, ruc=ruc, cursor=cursor, limit=limit
    )
    return JourneysPublic(
        data=[JourneySummaryPublic.model_validate(r) for r in rows], next_cursor=next_cursor
    )


@router.get(
    "/journeys/{journey_id}", response_model=JourneyPublic, summary="A transition journey with its follow-ups"
)
async def read_journey(journey_id: uuid.UUID, db: ReadDbDep, caller: JourneyReader) -> JourneyPublic:
    return JourneyPublic.model_validate(await journeys.read(db, caller, journey_id=journey_id))


@router.post(
    "/journeys/{journey_id}/follow-ups",
    response_model=JourneyPublic,
    status_code=201,
    summary="Record a follow-up: the consumption measured after the measure (and the MCI, if re-assessed)",
)
async def follow_up_journey(
    journey_id: uuid.UUID, body: FollowUpCreate, uow: UowDep, caller: JourneyWriter
) -> JourneyPublic:
    return JourneyPublic.model_validate(await journeys.follow_up(uow, caller, journey_id, body))


@router.post(
    "/journeys/{journey_id}/finish",
    response_model=JourneyPublic,
    summary="Finish a journey with its measured result: publishes circular.journey.finished (the hub drafts a story)",
)
async def finish_journey(
    journey_id: uuid.UUID, body: JourneyFinish, uow: UowDep, caller: JourneyWriter
) -> JourneyPublic:
    return JourneyPublic.model_validate(await journeys.finish(uow, caller, journey_id, body))


@router.post(
    "/journeys/{journey_id}/abandon",
    response_model=JourneyPublic,
    summary="The company abandoned the measure",
)
async def abandon_journey(
    journey_id: uuid.UUID, body: JourneyAbandon, uow: UowDep, caller: JourneyWriter
) -> JourneyPublic:
    return JourneyPublic.model_validate(await journeys.abandon(uow, caller, journey_id, body))
