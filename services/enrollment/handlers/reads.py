"""Read side: lookups and listings on a pooled Core connection (``ReadConnDep``).

Reads skip the ORM session on purpose: measured on this platform, a session serves about
0.4x the requests of a Core/asyncpg read on a primary-key lookup, and these are the
busiest endpoints (front-ends list and open companies and applications all day).
Every listing is keyset-paginated with a stable order (sort key, then id).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from services.enrollment.db.repositories import (
    ApplicationRepository,
    CohortRepository,
    CompanyRepository,
    Executor,
    MonitorRepository,
    SiteRepository,
    application_view,
)
from services.enrollment.db.tables import applications, cohorts, companies, monitor_assignments, monitors
from services.enrollment.domain.applications import SEAT_HOLDING_STATES
from services.enrollment.domain.eligibility import EligibilityReport
from services.enrollment.domain.regions import CIRCULAR_ECONOMY_NODES, REGIONS, parse_region
from services.enrollment.handlers.access import (
    application_filter,
    company_filter,
    ensure_may_read_application,
    ensure_may_read_company,
)
from services.enrollment.handlers.eligibility import report_for
from shared.auth import Principal
from shared.errors import Conflict, RuleViolation
from shared.pagination import keyset_page, page_of
from shared.ruc import ruc_problem


@dataclass(frozen=True)
class Sort:
    """A public sort name -> the key columns (unique id last)."""

    columns: list[sa.ColumnElement]


COMPANY_SORTS = {
    "legal_name": Sort([companies.c.legal_name, companies.c.id]),
    "created_at": Sort([companies.c.created_at, companies.c.id]),
    "ruc": Sort([companies.c.ruc, companies.c.id]),
}
APPLICATION_SORTS = {
    "created_at": Sort([applications.c.created_at, applications.c.id]),
    "legal_name": Sort([companies.c.legal_name, applications.c.id]),
}
COHORT_SORT = Sort([cohorts.c.applications_open_on, cohorts.c.id])
MONITOR_SORT = Sort([monitors.c.name, monitors.c.id])


def _split_sort(sort: str, table: dict[str, Sort]) -> tuple[Sort, bool]:
    descending = sort.startswith("-")
    return table[sort.lstrip("-")], descending


def _page(rows: list[sa.Row], limit: int, sort: Sort) -> tuple[list[sa.Row], str | None]:
    names = [c.key for c in sort.columns]  # the row labels of the sort columns in every view here
    return page_of(rows, limit, key=lambda r: [r._mapping[n] for n in names])


def region_or_problem(text: str) -> str:
    region = parse_region(text)
    if region is None:
        raise RuleViolation(
            "region.unknown", f"{text!r} is not a region of Peru; use one of: {', '.join(REGIONS)}."
        )
    return region


def _checked_ruc(ruc: str) -> str:
    problem = ruc_problem(ruc)
    if problem:
        raise RuleViolation(problem.rule, problem.message, detail_es=problem.message_es)
    return ruc


# --- companies -------------------------------------------------------------------------------


async def get_company(db: Executor, principal: Principal, ruc: str) -> sa.Row:
    row = await CompanyRepository(db).get_or_raise(ruc=_checked_ruc(ruc))
    await ensure_may_read_company(db, principal, ruc=row.ruc, company_id=row.id)
    return row


@dataclass(frozen=True)
class CompanyFilters:
    region: str | None = None
    women_led: bool | None = None
    size_class: str | None = None
    circular_economy_node: bool | None = None
    q: str | None = None


async def list_companies(
    db: Executor, principal: Principal, f: CompanyFilters, *, sort: str, cursor: str | None, limit: int
) -> tuple[list[sa.Row], str | None]:
    key, descending = _split_sort(sort, COMPANY_SORTS)
    stmt = sa.select(companies).where(company_filter(principal, companies.c.ruc, companies.c.id))
    if f.region:
        stmt = stmt.where(companies.c.region == region_or_problem(f.region))
    if f.women_led is not None:
        stmt = stmt.where(companies.c.women_led.is_(f.women_led))
    if f.size_class:
        stmt = stmt.where(companies.c.size_class == f.size_class)
    if f.circular_economy_node is not None:
        in_node = companies.c.region.in_(sorted(CIRCULAR_ECONOMY_NODES))
        stmt = stmt.where(in_node if f.circular_economy_node else sa.not_(in_node))
    if f.q:
        pattern = f"%{f.q.strip()}%"
        stmt = stmt.where(
            sa.or_(
                companies.c.legal_name.ilike(pattern),
                companies.c.trade_name.ilike(pattern),
                companies.c.ruc == f.q,
            )
        )
    stmt = keyset_page(stmt, key.columns, cursor=cursor, limit=limit, descending=descending)
    return _page(list((await db.execute(stmt)).all()), limit, key)


async def list_sites(db: Executor, principal: Principal, ruc: str) -> list[sa.Row]:
    company = await get_company(db, principal, ruc)
    return await SiteRepository(db).list(company_id=company.id)


async def get_site(db: Executor, principal: Principal, ruc: str, site_id: uuid.UUID) -> sa.Row:
    company = await get_company(db, principal, ruc)
    return await SiteRepository(db).get_or_raise(company_id=company.id, site_id=site_id)


# --- cohorts and monitors --------------------------------------------------------------------


async def get_cohort(db: Executor, cohort_id: uuid.UUID) -> sa.Row:
    return await CohortRepository(db).get_view(cohort_id=cohort_id)


async def list_cohorts(
    db: Executor, *, open_on: date | None, cursor: str | None, limit: int
) -> tuple[list[sa.Row], str | None]:
    stmt = CohortRepository(db).view_stmt()
    if open_on is not None:
        stmt = stmt.where(
            cohorts.c.applications_open_on <= open_on, cohorts.c.applications_close_on >= open_on
        )
    stmt = keyset_page(stmt, COHORT_SORT.columns, cursor=cursor, limit=limit)
    return _page(list((await db.execute(stmt)).all()), limit, COHORT_SORT)


async def list_monitors(
    db: Executor, *, active: bool | None, cursor: str | None, limit: int
) -> tuple[list[sa.Row], str | None]:
    stmt = MonitorRepository(db).list_stmt()
    if active is not None:
        stmt = stmt.where(monitors.c.active.is_(active))
    stmt = keyset_page(stmt, MONITOR_SORT.columns, cursor=cursor, limit=limit)
    return _page(list((await db.execute(stmt)).all()), limit, MONITOR_SORT)


async def get_monitor(db: Executor, monitor_id: uuid.UUID) -> sa.Row:
    return await MonitorRepository(db).get_with_load(monitor_id=monitor_id)


# --- applications ----------------------------------------------------------------------------


async def get_application(db: Executor, principal: Principal, application_id: uuid.UUID) -> sa.Row:
    row = await ApplicationRepository(db).get_view(application_id=application_id)
    await ensure_may_read_application(db, principal, ruc=row.ruc, application_id=row.id)
    return row


@dataclass(frozen=True)
class ApplicationFilters:
    cohort_id: uuid.UUID | None = None
    status: list[str] | None = None
    region: str | None = None
    women_led: bool | None = None
    ruc: str | None = None
    monitor_id: uuid.UUID | None = None
    certification_eligible: bool | None = None


async def list_applications(
    db: Executor, principal: Principal, f: ApplicationFilters, *, sort: str, cursor: str | None, limit: int
) -> tuple[list[sa.Row], str | None]:
    key, descending = _split_sort(sort, APPLICATION_SORTS)
    stmt = application_view().where(application_filter(principal, companies.c.ruc))
    if f.cohort_id:
        stmt = stmt.where(applications.c.cohort_id == f.cohort_id)
    if f.status:
        stmt = stmt.where(applications.c.status.in_(f.status))
    if f.region:
        stmt = stmt.where(companies.c.region == region_or_problem(f.region))
    if f.women_led is not None:
        stmt = stmt.where(companies.c.women_led.is_(f.women_led))
    if f.ruc:
        stmt = stmt.where(companies.c.ruc == f.ruc)
    if f.monitor_id:
        followed = sa.select(monitor_assignments.c.application_id).where(
            monitor_assignments.c.monitor_id == f.monitor_id, monitor_assignments.c.to_on.is_(None)
        )
        stmt = stmt.where(applications.c.id.in_(followed))
    if f.certification_eligible is not None:
        eligible = applications.c.certification_eligible_at.is_not(None)
        stmt = stmt.where(eligible if f.certification_eligible else sa.not_(eligible))
    stmt = keyset_page(stmt, key.columns, cursor=cursor, limit=limit, descending=descending)
    return _page(list((await db.execute(stmt)).all()), limit, key)


async def eligibility_report(
    db: Executor, principal: Principal, application_id: uuid.UUID, today: date
) -> tuple[sa.Row, EligibilityReport]:
    """Section V evaluated now against the current data; changes nothing."""
    view = await get_application(db, principal, application_id)
    app = await ApplicationRepository(db).get_or_raise(application_id=application_id)
    company = await CompanyRepository(db).get(company_id=app.company_id)
    return view, await report_for(db, app, company, today)


async def application_history(db: Executor, principal: Principal, application_id: uuid.UUID) -> list[sa.Row]:
    await get_application(db, principal, application_id)
    return await ApplicationRepository(db).transitions(application_id=application_id)


async def monitor_history(db: Executor, principal: Principal, application_id: uuid.UUID) -> list[sa.Row]:
    await get_application(db, principal, application_id)
    return await MonitorRepository(db).history(application_id=application_id)


@dataclass(frozen=True)
class CommitmentLetter:
    application: sa.Row
    company: sa.Row
    cohort: sa.Row


async def commitment_letter(
    db: Executor, principal: Principal, application_id: uuid.UUID
) -> CommitmentLetter:
    view = await get_application(db, principal, application_id)
    if view.commitment_issued_at is None:
        raise Conflict(
            f"No commitment letter has been issued for this application (status '{view.status}').",
            detail_es=f"No se ha emitido la carta de compromiso de esta postulación (estado '{view.status}').",
        )
    company = await CompanyRepository(db).get(company_id=view.company_id)
    cohort = await CohortRepository(db).get_or_raise(cohort_id=view.cohort_id)
    return CommitmentLetter(view, company, cohort)


# --- reports ---------------------------------------------------------------------------------


async def region_report(db: Executor) -> list[dict]:
    """Per region: companies, women-led ones, participants, certification-eligible ones."""
    seated = [s.value for s in SEAT_HOLDING_STATES]
    stmt = (
        sa.select(
            companies.c.region,
            sa.func.count(sa.distinct(companies.c.id)).label("companies"),
            sa.func.count(sa.distinct(companies.c.id)).filter(companies.c.women_led).label("women_led"),
            sa.func.count(sa.distinct(applications.c.id))
            .filter(applications.c.status.in_(seated))
            .label("participants"),
            sa.func.count(sa.distinct(applications.c.id))
            .filter(applications.c.certification_eligible_at.is_not(None))
            .label("certification_eligible"),
        )
        .select_from(companies.outerjoin(applications, applications.c.company_id == companies.c.id))
        .group_by(companies.c.region)
    )
    found = {r.region: r for r in (await db.execute(stmt)).all()}
    return [
        {
            "region": region,
            "circular_economy_node": region in CIRCULAR_ECONOMY_NODES,
            "companies": found[region].companies if region in found else 0,
            "women_led": found[region].women_led if region in found else 0,
            "participants": found[region].participants if region in found else 0,
            "certification_eligible": found[region].certification_eligible if region in found else 0,
        }
        for region in REGIONS
    ]
