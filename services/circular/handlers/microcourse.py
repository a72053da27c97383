"""Use cases of the WhatsApp micro-course: the provider's messages, enrolment lists, reach.

A message is verified (signature, freshness), read, its learner's number reduced to a keyed
hash (domain/phones.py), and recorded once per message id in the same transaction as its effect
on the learner: a replay finds the id and changes nothing. The number never leaves this module's
locals: not in the database, not in the logs, not in any event, not in any answer.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

import sqlalchemy as sa

from services.circular.db.repositories import LearnerRepository, MicrocourseMessageRepository
from services.circular.domain import (
    microcourse,
    microcourse_import,
    phones,
    provider_messages,
    sheets,
    signatures,
)
from services.circular.domain.microcourse import LearnerFacts
from services.circular.domain.reference import Gender, Node
from shared.clock import LIMA
from shared.deps import ReadDb
from shared.settings import Settings
from shared.uow import UnitOfWork

log = logging.getLogger("eco.circular.microcourse")

Outcome = Literal["applied", "duplicate", "ignored"]


@dataclass(frozen=True)
class Receipt:
    message_id: str
    outcome: Outcome


def _key(settings: Settings) -> bytes:
    return settings.circular_phone_hash_key.encode()


def _lima_date(instant: datetime) -> date:
    return instant.astimezone(LIMA).date()


def _facts_of(row: sa.Row | None) -> LearnerFacts | None:
    if row is None:
        return None
    return LearnerFacts(
        enrolled_at=row.enrolled_at,
        node=Node(row.node) if row.node else None,
        gender=Gender(row.gender),
        company_ruc=row.company_ruc,
        modules=frozenset(row.modules or ()),
        completed_at=row.completed_at,
    )


def _columns(facts: LearnerFacts) -> dict[str, Any]:
    return {
        "enrolled_at": facts.enrolled_at,
        "enrolled_on": _lima_date(facts.enrolled_at),
        "node": facts.node.value if facts.node else None,
        "gender": facts.gender.value,
        "company_ruc": facts.company_ruc,
        "modules": sorted(facts.modules),
        "completed_at": facts.completed_at,
        "completed_on": _lima_date(facts.completed_at) if facts.completed_at else None,
    }


async def _apply(
    uow: UnitOfWork, ref: phones.PhoneRef, change: LearnerFacts | microcourse.CourseMessage
) -> tuple[sa.Row, bool]:
    """Fold ``change`` into the learner (created if new) under a row lock; (row, was new)."""
    learners = LearnerRepository(uow.session)
    now = uow.clock.now()
    seed = change if isinstance(change, LearnerFacts) else microcourse.fold(None, change)
    is_new = await learners.create_if_absent(
        values={
            "id": uuid.uuid4(),
            "phone_hash": ref.phone_hash,
            "phone_last_digits": ref.last_digits,
            **_columns(seed),
            "created_at": now,
            "updated_at": now,
        }
    )
    row = await learners.get(phone_hash=ref.phone_hash, for_update=True)
    assert row is not None  # inserted or already there, and rows are never deleted here
    current = _facts_of(row)
    if isinstance(change, LearnerFacts):
        facts = microcourse.merge(current, change)
    else:
        facts = microcourse.fold(current, change)
    if facts != current:
        row = await learners.update(learner_id=row.id, values={**_columns(facts), "updated_at": now})
    return row, is_new


async def receive_message(
    uow: UnitOfWork, settings: Settings, *, body: bytes, headers: Mapping[str, str]
) -> Receipt:
    verified = signatures.verify(settings.circular_microcourse_webhook_secret, body, headers)
    message = provider_messages.parse(body)
    fact = provider_messages.course_message(message)
    ref = phones.protect(message.data.learner.wa_id, key=_key(settings)) if fact is not None else None
    async with uow:
        messages = MicrocourseMessageRepository(uow.session)
        first_time = await messages.create_if_absent(
            values={
                "message_id": verified.message_id,
                "type": message.type,
                "outcome": "applied" if fact is not None else "ignored",
                "body_sha256": hashlib.sha256(body).hexdigest(),
                "occurred_at": message.timestamp,
                "received_at": uow.clock.now(),
            }
        )
        if not first_time:
            log.info("micro-course message %s seen before: nothing changed", verified.message_id)
            return Receipt(verified.message_id, "duplicate")
        if fact is None or ref is None:
            await uow.commit()
            log.info("micro-course message %s of type %r ignored", verified.message_id, message.type)
            return Receipt(verified.message_id, "ignored")
        row, _ = await _apply(uow, ref, fact)
        await uow.session.execute(
            sa.update(messages.table)
            .where(messages.table.c.message_id == verified.message_id)
            .values(learner_id=row.id)
        )
        await uow.commit()
    log.info("micro-course message %s (%s) applied to learner %s", verified.message_id, fact.type, row.id)
    return Receipt(verified.message_id, "applied")


@dataclass(frozen=True)
class ImportReport:
    rows: int
    new_learners: int
    updated_learners: int
    rejected: list[dict[str, Any]]


async def import_list(uow: UnitOfWork, settings: Settings, raw: bytes) -> ImportReport:
    header, records = sheets.read(raw)
    key = _key(settings)
    parsed = microcourse_import.parse(
        header, records, protect=lambda number: phones.protect(number, key=key), today=uow.clock.today()
    )
    new = updated = 0
    async with uow:
        for learner in parsed.learners:
            _, is_new = await _apply(uow, learner.phone, learner.facts)
            if is_new:
                new += 1
            else:
                updated += 1
        await uow.commit()
    rejected: dict[int, list[dict[str, str]]] = {}
    for error in parsed.errors:
        rejected.setdefault(error.line, []).append({"field": error.field, "message": error.message})
    return ImportReport(
        rows=len(records),
        new_learners=new,
        updated_learners=updated,
        rejected=[{"line": line, "errors": errors} for line, errors in sorted(rejected.items())],
    )


# --- reads -------------------------------------------------------------------------------------


def learner_view(row: sa.Row) -> dict[str, Any]:
    """A learner as staff see it: the number masked to its last digits."""
    return {
        "id": row.id,
        "phone": phones.masked(row.phone_last_digits),
        "node": row.node,
        "gender": row.gender,
        "company_ruc": row.company_ruc,
        "enrolled_on": row.enrolled_on,
        "modules_completed": list(row.modules or ()),
        "completed_on": row.completed_on,
    }


async def learners_page(
    db: ReadDb, *, node: Node | None, completed: bool | None, cursor: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    rows, next_cursor = await LearnerRepository(db).page(
        node=node.value if node else None, completed=completed, cursor=cursor, limit=limit
    )
    return [learner_view(row) for row in rows], next_cursor


async def reach(db: ReadDb, *, since: date | None, as_of: date) -> dict[str, Any]:
    """Learners enrolled in [since, as_of] by node and gender, and those of them completed by as_of."""
    rows = await LearnerRepository(db).counts(since=since, until=as_of)
    by_node: dict[str | None, list[int]] = {n.value: [0, 0] for n in Node} | {None: [0, 0]}
    by_gender: dict[str, list[int]] = {g.value: [0, 0] for g in Gender}
    cells = []
    for row in rows:
        for bucket in (by_node.setdefault(row.node, [0, 0]), by_gender.setdefault(row.gender, [0, 0])):
            bucket[0] += row.enrolled
            bucket[1] += row.completed
        cells.append(
            {"node": row.node, "gender": row.gender, "enrolled": row.enrolled, "completed": row.completed}
        )
    return {
        "since": since,
        "as_of": as_of,
        "total": {"enrolled": sum(r.enrolled for r in rows), "completed": sum(r.completed for r in rows)},
        "by_node": [{"node": k, "enrolled": v[0], "completed": v[1]} for k, v in by_node.items()],
        "by_gender": [{"gender": k, "enrolled": v[0], "completed": v[1]} for k, v in by_gender.items()],
        "by_node_gender": cells,
        "definitions": dict(microcourse.DEFINITIONS),
    }
