"""Routes: specialists and public officials trained in a methodology, and their certificates."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Response

from services.circular.api.roles import TrainingReader, TrainingWriter
from services.circular.api.schemas import (
    TraineePublic,
    TraineesIn,
    TrainingCreate,
    TrainingDetailPublic,
    TrainingPublic,
    TrainingsPublic,
)
from services.circular.domain.reference import Methodology, Node
from services.circular.handlers import trainings
from shared.deps import ClockDep, CursorQuery, LimitQuery, ReadDbDep, SettingsDep, UowDep

router = APIRouter(tags=["people trained"])


def _detail(view: trainings.TrainingView) -> TrainingDetailPublic:
    data: dict[str, Any] = dict(view.training._mapping)
    data["trainees"] = [
        TraineePublic.model_validate(dict(t._mapping) | {"trained": trained}) for t, trained in view.trainees
    ]
    return TrainingDetailPublic.model_validate(data)


@router.post("/trainings", status_code=201, response_model=TrainingDetailPublic, summary="Record a training")
async def create_training(
    body: TrainingCreate, uow: UowDep, caller: TrainingWriter, db: ReadDbDep
) -> TrainingDetailPublic:
    values = body.model_dump(exclude={"trainees"})
    people = [t.model_dump() for t in body.trainees]
    row = await trainings.create(uow, caller.subject, values, people)
    return _detail(await trainings.read(db, training_id=row.id))


@router.get("/trainings", response_model=TrainingsPublic, summary="Trainings, by end date")
async def list_trainings(
    db: ReadDbDep,
    caller: TrainingReader,
    methodology: Methodology | None = None,
    node: Node | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> TrainingsPublic:
    rows, next_cursor = await trainings.page(
        db, methodology=methodology, node=node, cursor=cursor, limit=limit
    )
    return TrainingsPublic(data=[TrainingPublic.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.get(
    "/trainings/{training_id}", response_model=TrainingDetailPublic, summary="A training and its trainees"
)
async def read_training(
    training_id: uuid.UUID, db: ReadDbDep, caller: TrainingReader
) -> TrainingDetailPublic:
    return _detail(await trainings.read(db, training_id=training_id))


@router.put(
    "/trainings/{training_id}/trainees",
    response_model=TrainingDetailPublic,
    summary="Add or correct trainees (one per name and institution)",
)
async def record_trainees(
    training_id: uuid.UUID, body: TraineesIn, uow: UowDep, caller: TrainingWriter, db: ReadDbDep
) -> TrainingDetailPublic:
    await trainings.record_trainees(
        uow, training_id=training_id, trainees=[t.model_dump() for t in body.trainees]
    )
    return _detail(await trainings.read(db, training_id=training_id))


@router.get(
    "/trainees/{trainee_id}/certificate",
    response_class=Response,
    summary="A trained person's certificate: A4 PDF with a QR carrying a signed payload",
    responses={200: {"content": {"application/pdf": {}}, "description": "the PDF"}},
)
async def read_trainee_certificate(
    trainee_id: uuid.UUID, db: ReadDbDep, caller: TrainingReader, clock: ClockDep, settings: SettingsDep
) -> Response:
    pdf, filename = await trainings.certificate(db, clock, trainee_id=trainee_id, env=settings.env)
    return Response(
        pdf, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{filename}"'}
    )
