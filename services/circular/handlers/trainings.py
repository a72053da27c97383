"""Trainings of specialists and public officials in a methodology, their trainees and certificates."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from fastapi.concurrency import run_in_threadpool

from services.circular import documents
from services.circular.db.repositories import TraineeRepository, TrainingRepository
from services.circular.domain.reference import METHODOLOGIES, Methodology, fold
from services.circular.domain.trainings import CertificateFacts, ensure_certifiable, is_trained
from shared.clock import Clock
from shared.deps import ReadDb
from shared.errors import RuleViolation
from shared.uow import UnitOfWork


def trainee_key(full_name: str, institution: str) -> str:
    return f"{fold(full_name)}|{fold(institution)}"


def _check_hours(training: sa.Row[Any] | dict[str, Any], trainees: list[dict[str, Any]]) -> None:
    hours = Decimal(str(training["hours"] if isinstance(training, dict) else training.hours))
    for position, t in enumerate(trainees, start=1):
        if Decimal(str(t["hours_attended"])) > hours:
            raise RuleViolation(
                "circular.hours_attended",
                f"Trainee {position} ({t['full_name']}) attended {t['hours_attended']} h of a {hours} h training.",
                detail_es=f"La persona {position} ({t['full_name']}) asistió {t['hours_attended']} h de una "
                f"capacitación de {hours} h.",
                extra={"errors": [{"field": f"trainees.{position - 1}.hours_attended", "in": "body"}]},
            )


async def _upsert(uow: UnitOfWork, training_id: uuid.UUID, trainees: list[dict[str, Any]]) -> None:
    repo, now = TraineeRepository(uow.session), uow.clock.now()
    for t in trainees:
        await repo.upsert(
            values=t
            | {
                "id": uuid.uuid4(),
                "training_id": training_id,
                "person_key": trainee_key(t["full_name"], t["institution"]),
                "created_at": now,
            }
        )


async def create(
    uow: UnitOfWork, caller_subject: str, values: dict[str, Any], trainees: list[dict[str, Any]]
) -> sa.Row[Any]:
    _check_hours(values, trainees)
    async with uow:
        row = await TrainingRepository(uow.session).create(
            values=values | {"id": uuid.uuid4(), "created_by": caller_subject, "created_at": uow.clock.now()}
        )
        await _upsert(uow, row.id, trainees)
        await uow.commit()
    return row


async def record_trainees(uow: UnitOfWork, *, training_id: uuid.UUID, trainees: list[dict[str, Any]]) -> None:
    """Add or correct trainees (one per name and institution: sending a person again updates them)."""
    async with uow:
        training = await TrainingRepository(uow.session).get_or_raise(
            training_id=training_id, for_update=True
        )
        _check_hours(training, trainees)
        await _upsert(uow, training_id, trainees)
        await uow.commit()


@dataclass
class TrainingView:
    training: sa.Row[Any]
    trainees: list[tuple[sa.Row[Any], bool]]  # (trainee, trained)


async def read(db: ReadDb, *, training_id: uuid.UUID) -> TrainingView:
    training = await TrainingRepository(db).get_or_raise(training_id=training_id)
    rows = await TraineeRepository(db).all_for_training(training_id=training_id)
    return TrainingView(
        training,
        [
            (t, is_trained(Decimal(t.hours_attended), Decimal(training.hours), Decimal(training.min_share)))
            for t in rows
        ],
    )


async def page(
    db: ReadDb, *, methodology: str | None, node: str | None, cursor: str | None, limit: int
) -> tuple[list[sa.Row[Any]], str | None]:
    return await TrainingRepository(db).page(methodology=methodology, node=node, cursor=cursor, limit=limit)


async def certificate(db: ReadDb, clock: Clock, *, trainee_id: uuid.UUID, env: str) -> tuple[bytes, str]:
    """The PDF of a trained person's certificate (422 ``circular.not_trained`` below the share)."""
    trainee = await TraineeRepository(db).get_or_raise(trainee_id=trainee_id)
    training = await TrainingRepository(db).get_or_raise(training_id=trainee.training_id)
    hours, attended, share = (
        Decimal(training.hours),
        Decimal(trainee.hours_attended),
        Decimal(training.min_share),
    )
    ensure_certifiable(full_name=trainee.full_name, hours_attended=attended, hours=hours, min_share=share)
    facts = CertificateFacts(
        trainee_id=str(trainee.id),
        full_name=trainee.full_name,
        dni=trainee.dni,
        institution=trainee.institution,
        kind=trainee.kind,
        training_title=training.title,
        methodology_name=METHODOLOGIES[Methodology(training.methodology)].name_es,
        organiser=training.organiser,
        starts_on=training.starts_on,
        ends_on=training.ends_on,
        hours_attended=attended,
        hours=hours,
        issued_on=clock.today(),
    )
    pdf = await run_in_threadpool(documents.certificate_pdf, facts, share, now=clock.now(), env=env)
    return pdf, f"constancia-capacitacion-{trainee.id}.pdf"
