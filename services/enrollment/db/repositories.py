"""Repositories of schema ``enrollment``: SQLAlchemy Core, keyword-only verbs, never commit.

They run on whatever executes Core statements: the unit of work's session inside a
transaction, or a pooled read connection for the hot read paths.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert

from services.enrollment.db.tables import (
    application_transitions,
    applications,
    cohorts,
    companies,
    company_sites,
    monitor_assignments,
    monitors,
    uit_values,
)
from services.enrollment.domain.applications import PARTICIPANT_STATES, SEAT_HOLDING_STATES
from services.enrollment.domain.monitors import MonitorLoad
from services.enrollment.domain.sizing import UitValue
from shared.errors import NotFound


class Executor(Protocol):
    async def execute(self, statement: Any, parameters: Any = None) -> Any: ...


class _Repository:
    def __init__(self, db: Executor) -> None:
        self.db = db

    async def _one(self, stmt: sa.Select) -> sa.Row | None:
        return (await self.db.execute(stmt)).first()


class UitRepository(_Repository):
    async def list(self) -> list[UitValue]:
        rows = (await self.db.execute(sa.select(uit_values).order_by(uit_values.c.fiscal_year))).all()
        return [UitValue(r.fiscal_year, r.amount_pen, r.legal_source) for r in rows]


class CompanyRepository(_Repository):
    async def get_by_ruc(self, *, ruc: str, for_update: bool = False) -> sa.Row | None:
        stmt = sa.select(companies).where(companies.c.ruc == ruc)
        return await self._one(stmt.with_for_update() if for_update else stmt)

    async def get_or_raise(self, *, ruc: str, for_update: bool = False) -> sa.Row:
        row = await self.get_by_ruc(ruc=ruc, for_update=for_update)
        if row is None:
            raise NotFound("Company", ruc, detail_es=f"La empresa {ruc} no existe.")
        return row

    async def get(self, *, company_id: uuid.UUID) -> sa.Row | None:
        return await self._one(sa.select(companies).where(companies.c.id == company_id))

    async def create(self, *, values: dict[str, Any]) -> sa.Row | None:
        """Insert unless the RUC exists (then None): a concurrent twin cannot cause a 500."""
        stmt = (
            pg_insert(companies)
            .values(**values)
            .on_conflict_do_nothing(index_elements=[companies.c.ruc])
            .returning(companies)
        )
        return (await self.db.execute(stmt)).first()

    async def update(self, *, company_id: uuid.UUID, values: dict[str, Any]) -> sa.Row:
        stmt = sa.update(companies).where(companies.c.id == company_id).values(**values).returning(companies)
        return (await self.db.execute(stmt)).one()

    async def delete(self, *, company_id: uuid.UUID) -> None:
        await self.db.execute(sa.delete(companies).where(companies.c.id == company_id))

    async def existing_rucs(self, *, rucs: list[str]) -> set[str]:
        # One array parameter, not an IN list: 100,000 RUCs would pass asyncpg's 32,767-parameter cap.
        wanted = sa.bindparam("rucs", rucs, type_=ARRAY(sa.Text))
        stmt = sa.select(companies.c.ruc).where(companies.c.ruc == sa.any_(wanted))
        return set((await self.db.execute(stmt)).scalars())


class SiteRepository(_Repository):
    async def list(self, *, company_id: uuid.UUID) -> list[sa.Row]:
        stmt = (
            sa.select(company_sites)
            .where(company_sites.c.company_id == company_id)
            .order_by(company_sites.c.name, company_sites.c.id)
        )
        return list((await self.db.execute(stmt)).all())

    async def get_or_raise(self, *, company_id: uuid.UUID, site_id: uuid.UUID) -> sa.Row:
        stmt = sa.select(company_sites).where(
            company_sites.c.id == site_id, company_sites.c.company_id == company_id
        )
        row = await self._one(stmt)
        if row is None:
            raise NotFound("Site", site_id, detail_es=f"La sede {site_id} no existe.")
        return row

    async def create(self, *, values: dict[str, Any]) -> sa.Row:
        return (
            await self.db.execute(sa.insert(company_sites).values(**values).returning(company_sites))
        ).one()

    async def update(self, *, site_id: uuid.UUID, values: dict[str, Any]) -> sa.Row:
        stmt = (
            sa.update(company_sites)
            .where(company_sites.c.id == site_id)
            .values(**values)
            .returning(company_sites)
        )
        return (await self.db.execute(stmt)).one()

    async def delete(self, *, site_id: uuid.UUID) -> None:
        await self.db.execute(sa.delete(company_sites).where(company_sites.c.id == site_id))


class CohortRepository(_Repository):
    async def get_or_raise(self, *, cohort_id: uuid.UUID, for_update: bool = False) -> sa.Row:
        stmt = sa.select(cohorts).where(cohorts.c.id == cohort_id)
        row = await self._one(stmt.with_for_update() if for_update else stmt)
        if row is None:
            raise NotFound("Cohort", cohort_id, detail_es=f"La edición {cohort_id} no existe.")
        return row

    def view_stmt(self) -> sa.Select:
        """Cohorts with the seats their participants hold."""
        seats = (
            sa.select(sa.func.count())
            .where(
                applications.c.cohort_id == cohorts.c.id,
                applications.c.status.in_([s.value for s in SEAT_HOLDING_STATES]),
            )
            .scalar_subquery()
        )
        return sa.select(cohorts, seats.label("seats_taken"))

    async def get_view(self, *, cohort_id: uuid.UUID) -> sa.Row:
        row = await self._one(self.view_stmt().where(cohorts.c.id == cohort_id))
        if row is None:
            raise NotFound("Cohort", cohort_id, detail_es=f"La edición {cohort_id} no existe.")
        return row

    async def get_by_name(self, *, name: str) -> sa.Row | None:
        return await self._one(sa.select(cohorts).where(cohorts.c.name == name))

    async def create(self, *, values: dict[str, Any]) -> sa.Row | None:
        stmt = pg_insert(cohorts).values(**values).on_conflict_do_nothing(index_elements=[cohorts.c.name])
        return (await self.db.execute(stmt.returning(cohorts))).first()

    async def update(self, *, cohort_id: uuid.UUID, values: dict[str, Any]) -> sa.Row:
        stmt = sa.update(cohorts).where(cohorts.c.id == cohort_id).values(**values).returning(cohorts)
        return (await self.db.execute(stmt)).one()

    async def delete(self, *, cohort_id: uuid.UUID) -> None:
        await self.db.execute(sa.delete(cohorts).where(cohorts.c.id == cohort_id))

    async def seats_taken(self, *, cohort_id: uuid.UUID) -> int:
        stmt = sa.select(sa.func.count()).where(
            applications.c.cohort_id == cohort_id,
            applications.c.status.in_([s.value for s in SEAT_HOLDING_STATES]),
        )
        return (await self.db.execute(stmt)).scalar_one()


class MonitorRepository(_Repository):
    async def get_or_raise(self, *, monitor_id: uuid.UUID) -> sa.Row:
        row = await self._one(sa.select(monitors).where(monitors.c.id == monitor_id))
        if row is None:
            raise NotFound("Monitor", monitor_id, detail_es=f"El monitor {monitor_id} no existe.")
        return row

    async def create(self, *, values: dict[str, Any]) -> sa.Row | None:
        stmt = pg_insert(monitors).values(**values).on_conflict_do_nothing().returning(monitors)
        return (await self.db.execute(stmt)).first()

    async def update(self, *, monitor_id: uuid.UUID, values: dict[str, Any]) -> sa.Row:
        stmt = sa.update(monitors).where(monitors.c.id == monitor_id).values(**values).returning(monitors)
        return (await self.db.execute(stmt)).one()

    def _load(self) -> sa.Select:
        participants = (
            sa.select(monitor_assignments.c.monitor_id, sa.func.count().label("n"))
            .join(applications, applications.c.id == monitor_assignments.c.application_id)
            .where(
                monitor_assignments.c.to_on.is_(None),
                applications.c.status.in_([s.value for s in PARTICIPANT_STATES]),
            )
            .group_by(monitor_assignments.c.monitor_id)
            .subquery()
        )
        return sa.select(monitors, sa.func.coalesce(participants.c.n, 0).label("participants")).outerjoin(
            participants, participants.c.monitor_id == monitors.c.id
        )

    async def loads(self, *, active_only: bool = True) -> list[MonitorLoad]:
        stmt = self._load()
        if active_only:
            stmt = stmt.where(monitors.c.active.is_(True))
        return [
            MonitorLoad(r.id, r.name, r.active, r.participants) for r in (await self.db.execute(stmt)).all()
        ]

    def list_stmt(self) -> sa.Select:
        return self._load()

    async def get_with_load(self, *, monitor_id: uuid.UUID) -> sa.Row:
        row = await self._one(self._load().where(monitors.c.id == monitor_id))
        if row is None:
            raise NotFound("Monitor", monitor_id, detail_es=f"El monitor {monitor_id} no existe.")
        return row

    async def current_assignment(self, *, application_id: uuid.UUID) -> sa.Row | None:
        stmt = (
            sa.select(monitor_assignments, monitors.c.name, monitors.c.email)
            .join(monitors, monitors.c.id == monitor_assignments.c.monitor_id)
            .where(
                monitor_assignments.c.application_id == application_id, monitor_assignments.c.to_on.is_(None)
            )
        )
        return await self._one(stmt)

    async def assign(
        self,
        *,
        application_id: uuid.UUID,
        monitor_id: uuid.UUID,
        on: date,
        at: datetime,
        reason: str,
        by: str | None,
    ) -> sa.Row:
        stmt = (
            sa.insert(monitor_assignments)
            .values(
                id=uuid.uuid4(),
                application_id=application_id,
                monitor_id=monitor_id,
                from_on=on,
                reason=reason,
                assigned_by=by,
                assigned_at=at,
            )
            .returning(monitor_assignments)
        )
        return (await self.db.execute(stmt)).one()

    async def close_assignment(self, *, application_id: uuid.UUID, on: date) -> None:
        await self.db.execute(
            sa.update(monitor_assignments)
            .where(
                monitor_assignments.c.application_id == application_id, monitor_assignments.c.to_on.is_(None)
            )
            .values(to_on=on)
        )

    async def history(self, *, application_id: uuid.UUID) -> list[sa.Row]:
        stmt = (
            sa.select(monitor_assignments, monitors.c.name, monitors.c.email)
            .join(monitors, monitors.c.id == monitor_assignments.c.monitor_id)
            .where(monitor_assignments.c.application_id == application_id)
            # Closed assignments before the current one: reassignments within one instant
            # (a fixed test clock, a batch) must still read in order.
            .order_by(
                monitor_assignments.c.assigned_at,
                monitor_assignments.c.to_on.is_(None),
                monitor_assignments.c.id,
            )
        )
        return list((await self.db.execute(stmt)).all())


def application_view() -> sa.Select:
    """An application with its company, cohort and current monitor: what every reader shows."""
    current = (
        sa.select(
            monitor_assignments.c.application_id,
            monitors.c.id.label("monitor_id"),
            monitors.c.name.label("monitor_name"),
            monitors.c.email.label("monitor_email"),
            monitor_assignments.c.from_on.label("monitor_since"),
        )
        .join(monitors, monitors.c.id == monitor_assignments.c.monitor_id)
        .where(monitor_assignments.c.to_on.is_(None))
        .subquery()
    )
    return (
        sa.select(
            applications,
            companies.c.ruc,
            companies.c.legal_name,
            companies.c.region,
            companies.c.women_led,
            cohorts.c.name.label("cohort_name"),
            current.c.monitor_id,
            current.c.monitor_name,
            current.c.monitor_email,
            current.c.monitor_since,
        )
        .join(companies, companies.c.id == applications.c.company_id)
        .join(cohorts, cohorts.c.id == applications.c.cohort_id)
        .outerjoin(current, current.c.application_id == applications.c.id)
    )


class ApplicationRepository(_Repository):
    async def get_or_raise(self, *, application_id: uuid.UUID, for_update: bool = False) -> sa.Row:
        row = await self.get(application_id=application_id, for_update=for_update)
        if row is None:
            raise NotFound(
                "Application", application_id, detail_es=f"La postulación {application_id} no existe."
            )
        return row

    async def get(self, *, application_id: uuid.UUID, for_update: bool = False) -> sa.Row | None:
        stmt = sa.select(applications).where(applications.c.id == application_id)
        return await self._one(stmt.with_for_update() if for_update else stmt)

    async def get_view(self, *, application_id: uuid.UUID) -> sa.Row:
        row = await self._one(application_view().where(applications.c.id == application_id))
        if row is None:
            raise NotFound(
                "Application", application_id, detail_es=f"La postulación {application_id} no existe."
            )
        return row

    async def create(self, *, values: dict[str, Any]) -> sa.Row | None:
        stmt = (
            pg_insert(applications)
            .values(**values)
            .on_conflict_do_nothing(constraint="uq_enrollment_applications_company_cohort")
            .returning(applications)
        )
        return (await self.db.execute(stmt)).first()

    async def update(self, *, application_id: uuid.UUID, values: dict[str, Any]) -> sa.Row:
        stmt = (
            sa.update(applications)
            .where(applications.c.id == application_id)
            .values(**values)
            .returning(applications)
        )
        return (await self.db.execute(stmt)).one()

    async def list_for_company(
        self, *, company_id: uuid.UUID, statuses: Iterable[str], for_update: bool = False
    ) -> list[sa.Row]:
        stmt = (
            sa.select(applications)
            .where(applications.c.company_id == company_id, applications.c.status.in_(list(statuses)))
            .order_by(applications.c.id)
        )
        return list((await self.db.execute(stmt.with_for_update() if for_update else stmt)).all())

    async def count_for_company(self, *, company_id: uuid.UUID) -> int:
        stmt = sa.select(sa.func.count()).where(applications.c.company_id == company_id)
        return (await self.db.execute(stmt)).scalar_one()

    async def count_for_cohort(self, *, cohort_id: uuid.UUID) -> int:
        stmt = sa.select(sa.func.count()).where(applications.c.cohort_id == cohort_id)
        return (await self.db.execute(stmt)).scalar_one()

    async def record_transition(
        self,
        *,
        application_id: uuid.UUID,
        from_status: str | None,
        to_status: str,
        at: datetime,
        by: str | None,
        reason: str | None = None,
    ) -> None:
        await self.db.execute(
            sa.insert(application_transitions).values(
                application_id=application_id,
                from_status=from_status,
                to_status=to_status,
                at=at,
                by_subject=by,
                reason=reason,
            )
        )

    async def transitions(self, *, application_id: uuid.UUID) -> list[sa.Row]:
        stmt = (
            sa.select(application_transitions)
            .where(application_transitions.c.application_id == application_id)
            .order_by(application_transitions.c.id)
        )
        return list((await self.db.execute(stmt)).all())
