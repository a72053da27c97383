"""Companies: read and list them; register, update (re-evaluating open applications), delete,
record PROMPERÚ accounts."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from services.enrollment.db.repositories import ApplicationRepository, CompanyRepository, Page, UitRepository
from services.enrollment.domain import access
from services.enrollment.domain.company import CompanyFilters, checked_ruc, ensure_no_problems
from services.enrollment.domain.company_fields import normalize_company_fields
from services.enrollment.domain.sizing import SizeResult, UitValue, classify
from services.enrollment.events import publish
from services.enrollment.handlers.eligibility import reevaluate_company
from shared.auth import Principal
from shared.deps import ReadDb
from shared.errors import Conflict
from shared.uow import UnitOfWork


async def read(db: ReadDb, caller: Principal, *, ruc: str) -> sa.Row[Any]:
    """The company, if the caller may know it exists (404 otherwise); 422 for a malformed RUC."""
    scope = access.scope_of(caller)
    row = await CompanyRepository(db).get(ruc=checked_ruc(ruc), scope=scope)
    return access.visible(row, scope, what="Company", ident=ruc)


async def page(
    db: ReadDb, caller: Principal, filters: CompanyFilters, *, sort: str, cursor: str | None, limit: int
) -> Page:
    return await CompanyRepository(db).page(
        scope=access.scope_of(caller), filters=filters, sort=sort, cursor=cursor, limit=limit
    )


def size_columns(size: SizeResult) -> dict[str, Any]:
    return {
        "size_class": size.size_class.value,
        "size_uit_year": size.uit.fiscal_year,
        "size_note": size.note,
    }


def new_company_values(
    values: dict[str, Any], uit_table: list[UitValue], *, now: datetime, by: str | None
) -> dict[str, Any]:
    """Everything a companies row needs, from validated fields (shared with the CSV import)."""
    size = classify(values["annual_sales_pen"], values["sales_fiscal_year"], uit_table)
    return {
        "id": uuid.uuid4(),
        "trade_name": None,
        "registry_entry": None,
        "ruc_status": "active",
        "ciiu_code": None,
        "women_led": False,
        "phone": None,
        "email": None,
        "website": None,
        "direct_exports": False,
        "export_markets": [],
        "own_production": False,
        "products": [],
        "promperu_accounts_pending": False,
        "promperu_accounts_note": None,
        "promperu_accounts_checked_at": None,
        **values,
        **size_columns(size),
        "registered_by": by,
        "created_at": now,
        "updated_at": now,
    }


async def register_company(uow: UnitOfWork, principal: Principal, data: dict[str, Any]) -> sa.Row:
    today = uow.clock.today()
    data.setdefault("sales_fiscal_year", None)
    if data["sales_fiscal_year"] is None:
        data["sales_fiscal_year"] = today.year - 1
    values, problems = normalize_company_fields(data, today)
    ensure_no_problems(problems)
    access.ensure_may_register(principal, values["ruc"])
    async with uow:
        uit_table = await UitRepository(uow.session).all()
        row = await CompanyRepository(uow.session).create(
            values=new_company_values(values, uit_table, now=uow.clock.now(), by=principal.subject)
        )
        if row is None:
            raise Conflict(
                f"A company with RUC {values['ruc']} is already registered.",
                detail_es=f"Ya existe una empresa registrada con RUC {values['ruc']}.",
                extra={"ruc": values["ruc"]},
            )
        uow.publish(publish.company_registered(row))
        await uow.commit()
    return row


async def update_company(uow: UnitOfWork, principal: Principal, ruc: str, data: dict[str, Any]) -> sa.Row:
    """Change the given fields; size is recomputed and open applications re-evaluated."""
    principal.ensure_company(ruc)
    today = uow.clock.today()
    values, problems = normalize_company_fields(data, today)
    ensure_no_problems(problems)
    async with uow:
        companies = CompanyRepository(uow.session)
        current = await companies.get_or_raise(ruc=ruc, for_update=True)
        if {"annual_sales_pen", "sales_fiscal_year"} & values.keys():
            sales = values.get("annual_sales_pen", current.annual_sales_pen)
            year = values.get("sales_fiscal_year", current.sales_fiscal_year)
            size = classify(sales, year, await UitRepository(uow.session).all())
            values |= size_columns(size)
        row = await companies.update(company_id=current.id, values=values | {"updated_at": uow.clock.now()})
        await reevaluate_company(uow, row, by=principal.subject, reason="company data changed")
        uow.publish(publish.company_updated(row))
        await uow.commit()
    return row


async def set_promperu_accounts(
    uow: UnitOfWork, principal: Principal, ruc: str, *, pending: bool, note: str | None
) -> sa.Row:
    """An officer records whether the company owes PROMPERÚ money or documents (rule V)."""
    async with uow:
        companies = CompanyRepository(uow.session)
        current = await companies.get_or_raise(ruc=ruc, for_update=True)
        now = uow.clock.now()
        row = await companies.update(
            company_id=current.id,
            values={
                "promperu_accounts_pending": pending,
                "promperu_accounts_note": note,
                "promperu_accounts_checked_at": now,
                "updated_at": now,
            },
        )
        await reevaluate_company(uow, row, by=principal.subject, reason="PROMPERÚ accounts checked")
        await uow.commit()
    return row


async def delete_company(uow: UnitOfWork, principal: Principal, ruc: str) -> None:
    """Only a company that never applied: applications are the programme's record."""
    async with uow:
        companies = CompanyRepository(uow.session)
        row = await companies.get_or_raise(ruc=ruc, for_update=True)
        if await ApplicationRepository(uow.session).count(company_id=row.id):
            raise Conflict(
                f"Company {ruc} has applications and cannot be deleted; withdraw them instead.",
                detail_es=f"La empresa {ruc} tiene postulaciones y no puede eliminarse; retírelas.",
            )
        await companies.delete(company_id=row.id)
        uow.publish(publish.company_deleted(row, uow.clock.now()))
        await uow.commit()
