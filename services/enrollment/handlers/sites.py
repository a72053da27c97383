"""Sites (sedes) of a company, each with its municipal licence and INDECI certificate."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from services.enrollment.db.repositories import CompanyRepository, SiteRepository
from services.enrollment.domain.company import FieldProblem, ensure_no_problems
from services.enrollment.domain.regions import parse_region, unknown_region
from services.enrollment.handlers import companies
from services.enrollment.handlers.eligibility import reevaluate_company
from shared.auth import Principal
from shared.deps import ReadDb
from shared.uow import UnitOfWork


async def all_for_company(db: ReadDb, caller: Principal, *, ruc: str) -> list[sa.Row[Any]]:
    company = await companies.read(db, caller, ruc=ruc)
    return await SiteRepository(db).all_for_company(company_id=company.id)


async def read(db: ReadDb, caller: Principal, *, ruc: str, site_id: uuid.UUID) -> sa.Row[Any]:
    company = await companies.read(db, caller, ruc=ruc)
    return await SiteRepository(db).get_or_raise(company_id=company.id, site_id=site_id)


def _normalized(values: dict[str, Any]) -> dict[str, Any]:
    if "region" in values:
        region = parse_region(values["region"] or "")
        if region is None:
            ensure_no_problems([FieldProblem("region", "region.unknown", unknown_region(values["region"]))])
        values["region"] = region
    return values


async def create_site(uow: UnitOfWork, principal: Principal, ruc: str, data: dict[str, Any]) -> sa.Row[Any]:
    principal.ensure_company(ruc)
    values = _normalized(data)
    async with uow:
        company = await CompanyRepository(uow.session).get_or_raise(ruc=ruc, for_update=True)
        now = uow.clock.now()
        row = await SiteRepository(uow.session).create(
            values=values
            | {"id": uuid.uuid4(), "company_id": company.id, "created_at": now, "updated_at": now}
        )
        await reevaluate_company(uow, company, by=principal.subject, reason="site added")
        await uow.commit()
    return row


async def update_site(
    uow: UnitOfWork, principal: Principal, ruc: str, site_id: uuid.UUID, data: dict[str, Any]
) -> sa.Row[Any]:
    principal.ensure_company(ruc)
    values = _normalized(data)
    async with uow:
        company = await CompanyRepository(uow.session).get_or_raise(ruc=ruc, for_update=True)
        sites = SiteRepository(uow.session)
        await sites.get_or_raise(company_id=company.id, site_id=site_id)
        row = await sites.update(site_id=site_id, values=values | {"updated_at": uow.clock.now()})
        await reevaluate_company(uow, company, by=principal.subject, reason="site changed")
        await uow.commit()
    return row


async def delete_site(uow: UnitOfWork, principal: Principal, ruc: str, site_id: uuid.UUID) -> None:
    principal.ensure_company(ruc)
    async with uow:
        company = await CompanyRepository(uow.session).get_or_raise(ruc=ruc, for_update=True)
        sites = SiteRepository(uow.session)
        await sites.get_or_raise(company_id=company.id, site_id=site_id)
        await sites.delete(site_id=site_id)
        await reevaluate_company(uow, company, by=principal.subject, reason="site removed")
        await uow.commit()
