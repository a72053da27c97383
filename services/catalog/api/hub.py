"""Knowledge hub "Mi Empresa Circular": public reading, officer curation, company success stories."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from services.catalog.api.roles import HubCurator, StoryAuthor, SubmissionReader
from services.catalog.api.schemas import (
    EmissionFactorPublic,
    EmissionFactorsPublic,
    FactorUsedPublic,
    ResourceCreate,
    ResourceKind,
    ResourcePublic,
    ResourceSavingPublic,
    ResourcesPublic,
    ResourceUpdate,
    StoryReview,
    SuccessStoriesPublic,
    SuccessStoryCreate,
    SuccessStoryPublic,
    SuccessStoryUpdate,
)
from services.catalog.db.repositories.hub import ResourceFilters
from services.catalog.domain.savings import Resource
from services.catalog.domain.stories import StoryStatus
from services.catalog.handlers import hub
from services.catalog.handlers.hub import StoryAccount
from shared.deps import DEFAULT_PAGE_SIZE, CursorQuery, LimitQuery, ReadDbDep, UowDep
from shared.idempotency import idempotent

PUBLIC = {"x-public": True}
public = APIRouter(prefix="/hub", tags=["knowledge hub"])
router = APIRouter(prefix="/hub", tags=["knowledge hub"])


def resource_public(row: sa.Row[Any]) -> ResourcePublic:
    return ResourcePublic.model_validate(row._asdict())


def story_public(account: StoryAccount) -> SuccessStoryPublic:
    row, result, figures = account.row, account.outcome, account.figures
    return SuccessStoryPublic(
        story_id=row.story_id,
        ruc=row.ruc,
        company_name=row.company_name,
        title=row.title,
        measure=row.measure,
        status=row.status,
        investment=result.investment,
        annual_savings=result.annual_savings,
        payback_months=result.payback_months,
        co2e_avoided_kg=result.co2e_avoided_kg,
        resources=[
            ResourceSavingPublic(
                **vars(saving),
                baseline=figures[saving.resource].baseline,
                after=figures[saving.resource].after,
                unit_price=figures[saving.resource].unit_price,
            )
            for saving in result.per_resource
        ],
        factors=[
            FactorUsedPublic(
                resource=Resource(resource),
                **{k: getattr(f, k) for k in ("code", "version", "factor", "unit", "source", "verified")},
            )
            for resource, f in sorted(account.factors.items())
        ],
        review_note=row.review_note,
        created_at=row.created_at,
        updated_at=row.updated_at,
        submitted_at=row.submitted_at,
        published_at=row.published_at,
    )


# --- public reading --------------------------------------------------------------------------


@public.get(
    "/resources",
    response_model=ResourcesPublic,
    summary="Search the hub's resources",
    description="Micro-courses, guides, methodologies and tools; `q` folds accents and case.",
    openapi_extra=PUBLIC,
)
async def list_resources(
    db: ReadDbDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    kind: ResourceKind | None = None,
    tag: Annotated[str | None, Query(max_length=100)] = None,
    audience: Annotated[str | None, Query(max_length=100)] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_PAGE_SIZE,
) -> ResourcesPublic:
    filters = ResourceFilters(q=q, kind=kind.value if kind else None, tag=tag, audience=audience)
    rows, next_cursor = await hub.resources_page(db, filters, cursor=cursor, limit=limit)
    return ResourcesPublic(data=[resource_public(r) for r in rows], next_cursor=next_cursor)


@public.get(
    "/resources/{resource_id}", response_model=ResourcePublic, summary="A hub resource", openapi_extra=PUBLIC
)
async def get_resource(db: ReadDbDep, resource_id: uuid.UUID) -> ResourcePublic:
    return resource_public(await hub.read_resource(db, resource_id=resource_id))


@public.get(
    "/emission-factors",
    response_model=EmissionFactorsPublic,
    summary="Emission factors used for CO2e avoided (every version, with its citation)",
    openapi_extra=PUBLIC,
)
async def list_emission_factors(db: ReadDbDep) -> EmissionFactorsPublic:
    rows = await hub.emission_factors(db)
    return EmissionFactorsPublic(data=[EmissionFactorPublic.model_validate(r._asdict()) for r in rows])


@public.get(
    "/success-stories",
    response_model=SuccessStoriesPublic,
    summary="Published success stories (casos de éxito)",
    description="Newest first, with savings in S/, simple payback and CO2e avoided.",
    openapi_extra=PUBLIC,
)
async def list_success_stories(
    db: ReadDbDep,
    ruc: Annotated[str | None, Query(pattern=r"^\d{11}$")] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_PAGE_SIZE,
) -> SuccessStoriesPublic:
    data, next_cursor = await hub.stories_page(db, None, statuses=None, ruc=ruc, cursor=cursor, limit=limit)
    return SuccessStoriesPublic(data=[story_public(a) for a in data], next_cursor=next_cursor)


@public.get(
    "/success-stories/{story_id}",
    response_model=SuccessStoryPublic,
    summary="A published success story",
    openapi_extra=PUBLIC,
)
async def get_success_story(db: ReadDbDep, story_id: uuid.UUID) -> SuccessStoryPublic:
    return story_public(await hub.read_published_story(db, story_id=story_id))


# --- curation (PROMPERÚ officers) ------------------------------------------------------------


@router.post(
    "/resources",
    response_model=ResourcePublic,
    status_code=201,
    summary="Add a resource to the hub",
    description="Honours `Idempotency-Key`. A slug already in use is a 409.",
)
async def create_resource(
    request: Request, uow: UowDep, principal: HubCurator, data: ResourceCreate
) -> JSONResponse:
    async def action() -> ResourcePublic:
        return resource_public(await hub.create_resource(uow, data))

    return await idempotent(request, uow, action, status_code=201, subject=principal.subject)


@router.patch("/resources/{resource_id}", response_model=ResourcePublic, summary="Edit a hub resource")
async def update_resource(
    uow: UowDep, principal: HubCurator, resource_id: uuid.UUID, data: ResourceUpdate
) -> ResourcePublic:
    return resource_public(await hub.update_resource(uow, resource_id, data))


# --- success stories: written by companies, reviewed by officers ---------------------------------


@router.post(
    "/success-stories",
    response_model=SuccessStoryPublic,
    status_code=201,
    summary="Write a success story (draft)",
    description=(
        "A company writes its own story (its RUC only). Emission factors are the table's defaults "
        "in force today unless `factor_codes` names others. Honours `Idempotency-Key`."
    ),
)
async def create_success_story(
    request: Request, uow: UowDep, principal: StoryAuthor, data: SuccessStoryCreate
) -> JSONResponse:
    async def action() -> SuccessStoryPublic:
        return story_public(await hub.create_story(uow, principal, data))

    return await idempotent(request, uow, action, status_code=201, subject=principal.subject)


@router.patch(
    "/success-stories/{story_id}",
    response_model=SuccessStoryPublic,
    summary="Edit a draft or rejected success story",
)
async def update_success_story(
    uow: UowDep, principal: StoryAuthor, story_id: uuid.UUID, data: SuccessStoryUpdate
) -> SuccessStoryPublic:
    return story_public(await hub.update_story(uow, principal, story_id, data))


@router.post(
    "/success-stories/{story_id}/submit",
    response_model=SuccessStoryPublic,
    summary="Send a success story for review",
)
async def submit_success_story(
    uow: UowDep, principal: StoryAuthor, story_id: uuid.UUID
) -> SuccessStoryPublic:
    return story_public(await hub.submit_story(uow, principal, story_id))


@router.post(
    "/success-stories/{story_id}/review",
    response_model=SuccessStoryPublic,
    summary="Publish or reject a submitted success story",
    description="A rejection needs a `note` for the company.",
)
async def review_success_story(
    uow: UowDep, principal: HubCurator, story_id: uuid.UUID, review: StoryReview
) -> SuccessStoryPublic:
    return story_public(await hub.review_story(uow, story_id, review))


@router.get(
    "/submissions",
    response_model=SuccessStoriesPublic,
    summary="Success stories in any state (a company sees its own; officers all)",
)
async def list_submissions(
    db: ReadDbDep,
    principal: SubmissionReader,
    status: Annotated[list[StoryStatus] | None, Query()] = None,
    ruc: Annotated[str | None, Query(pattern=r"^\d{11}$")] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_PAGE_SIZE,
) -> SuccessStoriesPublic:
    data, next_cursor = await hub.stories_page(
        db,
        principal,
        statuses=[s.value for s in status] if status else None,
        ruc=ruc,
        cursor=cursor,
        limit=limit,
    )
    return SuccessStoriesPublic(data=[story_public(a) for a in data], next_cursor=next_cursor)


@router.get(
    "/submissions/{story_id}",
    response_model=SuccessStoryPublic,
    summary="A success story in any state (its company or an officer)",
)
async def get_submission(
    db: ReadDbDep, principal: SubmissionReader, story_id: uuid.UUID
) -> SuccessStoryPublic:
    return story_public(await hub.read_story(db, principal, story_id=story_id))
