"""Use cases of the knowledge hub "Mi Empresa Circular": resources and success stories.

GIZ, "Integrar la economía circular en las mipymes manufactureras", Impacto: the hub
hosts "micro curso de WhatsApp, historias de éxito, calculadora de circularidad". Resources
are curated by PROMPERÚ officers; success stories are written by the companies themselves
and become public only once an officer publishes them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from services.catalog.api.schemas import (
    ResourceCreate,
    ResourceUpdate,
    StoryFigures,
    StoryReview,
    SuccessStoryCreate,
    SuccessStoryUpdate,
)
from services.catalog.db.repositories.hub import (
    EmissionFactorRepository,
    ResourceFilters,
    ResourceRepository,
    StoryRepository,
)
from services.catalog.domain import savings
from services.catalog.domain.access import ensure_may_read_story, ensure_may_write_story, story_scope
from services.catalog.domain.stories import StoryStatus, ensure_editable, transition
from shared.auth import Principal
from shared.deps import ReadDb
from shared.errors import Conflict, RuleViolation
from shared.repository import Executor
from shared.uow import UnitOfWork

# --- resources -----------------------------------------------------------------------------


async def create_resource(uow: UnitOfWork, data: ResourceCreate) -> sa.Row[Any]:
    async with uow:
        now = uow.clock.now()
        values = {
            **data.model_dump(mode="json"),
            "resource_id": uuid.uuid4(),
            "created_at": now,
            "updated_at": now,
        }
        try:
            row = await ResourceRepository(uow.session).create(values=values)
        except IntegrityError as exc:  # the slug's unique index: also settles concurrent creations
            raise Conflict(
                f"A resource with slug '{data.slug}' already exists.",
                detail_es=f"Ya existe un recurso con el identificador '{data.slug}'.",
            ) from exc
        await uow.commit()
    return row


async def update_resource(uow: UnitOfWork, resource_id: uuid.UUID, data: ResourceUpdate) -> sa.Row[Any]:
    changes = data.changes(mode="json")
    async with uow:
        resources = ResourceRepository(uow.session)
        row = await resources.get_or_raise(resource_id=resource_id)
        if changes:
            row = await resources.update(
                resource_id=resource_id, values={**changes, "updated_at": uow.clock.now()}
            )
        await uow.commit()
    return row


async def read_resource(db: ReadDb, *, resource_id: uuid.UUID) -> sa.Row[Any]:
    return await ResourceRepository(db).get_or_raise(resource_id=resource_id)


async def resources_page(
    db: ReadDb, filters: ResourceFilters, *, cursor: str | None, limit: int
) -> tuple[list[sa.Row[Any]], str | None]:
    return await ResourceRepository(db).page(filters=filters, cursor=cursor, limit=limit)


async def emission_factors(db: ReadDb) -> list[sa.Row[Any]]:
    return await EmissionFactorRepository(db).all()


# --- success stories -------------------------------------------------------------------------


def _figures_json(figures: StoryFigures) -> dict[str, dict[str, str]]:
    """Decimals kept as strings in JSONB so no figure is ever rounded through a float."""
    return {
        resource: {k: str(v) for k, v in values.items()}
        for resource, values in figures.model_dump().items()
        if values is not None
    }


async def _resolve_factors(uow: UnitOfWork, codes: dict[savings.Resource, str]) -> dict[str, dict[str, str]]:
    """The factor (code + version in force today) per resource: the chosen code, else the default."""
    in_force = await EmissionFactorRepository(uow.session).all_in_force(on=uow.clock.today())
    by_code = {row.code: row for row in in_force}
    refs: dict[str, dict[str, str]] = {}
    for row in in_force:
        if row.is_default:
            refs[row.resource] = {"code": row.code, "version": row.version}
    for resource, code in codes.items():
        chosen = by_code.get(code)
        if chosen is None or chosen.resource != resource.value:
            known = sorted(r.code for r in in_force if r.resource == resource.value)
            raise RuleViolation(
                "story.unknown_emission_factor",
                f"No emission factor '{code}' for {resource.value}; known: {', '.join(known) or 'none'}.",
                detail_es=f"No hay factor de emisión '{code}' para {resource.value}.",
                extra={
                    "errors": [
                        {"field": f"factor_codes.{resource.value}", "in": "body", "message": "unknown"}
                    ]
                },
            )
        refs[resource.value] = {"code": chosen.code, "version": chosen.version}
    return refs


@dataclass(frozen=True)
class StoryAccount:
    """A story with what its figures give: savings, payback and CO2e avoided, by the factors it used."""

    row: sa.Row[Any]
    figures: dict[savings.Resource, savings.ResourceFigures]
    outcome: savings.StoryOutcome
    factors: dict[str, sa.Row[Any]]  # resource -> the emission factor row used


async def _account(db: Executor, row: sa.Row[Any]) -> StoryAccount:
    """The story's savings and CO2e avoided, computed from its figures and recorded factors."""
    refs = {resource: (ref["code"], ref["version"]) for resource, ref in row.factor_refs.items()}
    factor_rows = {
        (f.code, f.version): f
        for f in await EmissionFactorRepository(db).all_for_refs(refs=list(refs.values()))
    }
    used = {resource: factor_rows[ref] for resource, ref in refs.items() if ref in factor_rows}
    figures = {
        savings.Resource(resource): savings.ResourceFigures(
            baseline=Decimal(v["baseline"]), after=Decimal(v["after"]), unit_price=Decimal(v["unit_price"])
        )
        for resource, v in row.figures.items()
    }
    result = savings.outcome(
        figures, Decimal(row.investment), {savings.Resource(k): Decimal(f.factor) for k, f in used.items()}
    )
    return StoryAccount(row, figures, result, used)


async def create_story(uow: UnitOfWork, principal: Principal, data: SuccessStoryCreate) -> StoryAccount:
    ensure_may_write_story(principal, data.ruc)
    async with uow:
        now = uow.clock.now()
        row = await StoryRepository(uow.session).create(
            values={
                "story_id": uuid.uuid4(),
                "ruc": data.ruc,
                "company_name": data.company_name,
                "title": data.title,
                "measure": data.measure,
                "status": StoryStatus.draft.value,
                "figures": _figures_json(data.figures),
                "investment": data.investment,
                "factor_refs": await _resolve_factors(uow, data.factor_codes),
                "created_by": principal.subject,
                "created_at": now,
                "updated_at": now,
            },
        )
        account = await _account(uow.session, row)
        await uow.commit()
    return account


async def update_story(
    uow: UnitOfWork, principal: Principal, story_id: uuid.UUID, data: SuccessStoryUpdate
) -> StoryAccount:
    async with uow:
        stories = StoryRepository(uow.session)
        row = await stories.get_or_raise(story_id=story_id, for_update=True)
        ensure_may_write_story(principal, row.ruc)
        ensure_editable(row.status)
        changes: dict[str, Any] = data.changes(exclude={"figures", "factor_codes"})
        if data.figures is not None:
            changes["figures"] = _figures_json(data.figures)
        if data.factor_codes is not None:
            changes["factor_refs"] = await _resolve_factors(uow, data.factor_codes)
        row = await stories.update(story_id=story_id, values={**changes, "updated_at": uow.clock.now()})
        account = await _account(uow.session, row)
        await uow.commit()
    return account


async def submit_story(uow: UnitOfWork, principal: Principal, story_id: uuid.UUID) -> StoryAccount:
    async with uow:
        stories = StoryRepository(uow.session)
        row = await stories.get_or_raise(story_id=story_id, for_update=True)
        ensure_may_write_story(principal, row.ruc)
        status = transition(row.status, StoryStatus.submitted)
        now = uow.clock.now()
        row = await stories.update(
            story_id=story_id, values={"status": status.value, "submitted_at": now, "updated_at": now}
        )
        account = await _account(uow.session, row)
        await uow.commit()
    return account


async def review_story(uow: UnitOfWork, story_id: uuid.UUID, review: StoryReview) -> StoryAccount:
    target = StoryStatus.published if review.decision == "publish" else StoryStatus.rejected
    if target is StoryStatus.rejected and not (review.note and review.note.strip()):
        raise RuleViolation(
            "story.rejection_needs_note",
            "Rejecting a success story needs a note telling the company what to change.",
            detail_es="Para rechazar un caso de éxito indique a la empresa qué debe corregir.",
            extra={"errors": [{"field": "note", "in": "body", "message": "required when rejecting"}]},
        )
    async with uow:
        stories = StoryRepository(uow.session)
        row = await stories.get_or_raise(story_id=story_id, for_update=True)
        transition(row.status, target)
        now = uow.clock.now()
        values: dict[str, Any] = {"status": target.value, "review_note": review.note, "updated_at": now}
        if target is StoryStatus.published:
            values["published_at"] = now
        row = await stories.update(story_id=story_id, values=values)
        account = await _account(uow.session, row)
        await uow.commit()
    return account


async def read_published_story(db: ReadDb, *, story_id: uuid.UUID) -> StoryAccount:
    """Public read: a story not (yet) published does not exist for the public."""
    row = await StoryRepository(db).get_or_raise(story_id=story_id)
    ensure_may_read_story(None, row)
    return await _account(db, row)


async def read_story(db: ReadDb, caller: Principal, *, story_id: uuid.UUID) -> StoryAccount:
    row = await StoryRepository(db).get_or_raise(story_id=story_id)
    ensure_may_read_story(caller, row)
    return await _account(db, row)


async def stories_page(
    db: ReadDb,
    caller: Principal | None,
    *,
    statuses: list[str] | None,
    ruc: str | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[StoryAccount], str | None]:
    """Published stories for the public (``caller`` None); any state for an officer, or for a
    company its own RUC's only, whatever filter it asks for."""
    scope = story_scope(caller, statuses=statuses, ruc=ruc)
    rows, next_cursor = await StoryRepository(db).page(
        statuses=scope.statuses, ruc=scope.ruc, cursor=cursor, limit=limit
    )
    return [await _account(db, row) for row in rows], next_cursor
