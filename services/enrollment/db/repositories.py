"""Repositories of schema ``enrollment`` on the kernel's shape (shared/repository.py).

They run on whatever executes Core statements: the unit of work's session inside a
transaction, or the pooled read connection (``ReadDb``) of the read handlers. A caller's
``Scope`` (domain/access.py) becomes a WHERE clause here, so a listing and a lookup by key
agree on what the caller may know exists.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from asyncpg.exceptions import UniqueViolationError
from sqlalchemy.dialects.postgresql import ARRAY

from services.enrollment.db.tables import (
    MESSAGING,
    SCHEMA,
    application_transitions,
    applications,
    cohorts,
    companies,
    company_sites,
    monitor_assignments,
    monitors,
    uit_values,
)
from services.enrollment.domain.access import WHOLE_PROGRAMME, Scope
from services.enrollment.domain.applications import (
    PARTICIPANT_STATES,
    SEAT_HOLDING_STATES,
    ApplicationFilters,
)
from services.enrollment.domain.company import CompanyFilters
from services.enrollment.domain.monitors import MonitorLoad
from services.enrollment.domain.regions import CIRCULAR_ECONOMY_NODES, RegionFigures
from services.enrollment.domain.sizing import UitValue
from shared.db import driver_connection
from shared.errors import Conflict
from shared.events.tables import outbox_channel
from shared.repository import Executor, Repository, inserting

Page = tuple[list[sa.Row[Any]], str | None]

SEATED = [s.value for s in SEAT_HOLDING_STATES]


async def _create_unless_taken(
    db: Executor, table: sa.Table, values: dict[str, Any], **conflict: Any
) -> sa.Row[Any] | None:
    """Insert, or None when a unique key is taken: a concurrent twin is a 409, never a 500."""
    stmt = inserting(table, skip_conflicts=True, **conflict)
    row: sa.Row[Any] | None = (await db.execute(stmt, values)).first()
    return row


async def _advisory_lock(db: Executor, name: str) -> None:
    """One holder at a time of ``name`` until the transaction ends."""
    await db.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(name))))


def followed_applications(monitor_subject: str) -> sa.Select[Any]:
    """Applications whose open assignment belongs to the monitor logged in as ``monitor_subject``."""
    return (
        sa.select(monitor_assignments.c.application_id)
        .join(monitors, monitors.c.id == monitor_assignments.c.monitor_id)
        .where(monitor_assignments.c.to_on.is_(None), monitors.c.user_subject == monitor_subject)
    )


def _company_scope(scope: Scope) -> sa.ColumnElement[bool]:
    if scope.company_ruc is not None:
        return companies.c.ruc == scope.company_ruc
    if scope.monitor_subject is not None:
        followed = sa.select(applications.c.company_id).where(
            applications.c.id.in_(followed_applications(scope.monitor_subject))
        )
        return companies.c.id.in_(followed)
    return sa.true()


def _application_scope(scope: Scope) -> sa.ColumnElement[bool]:
    """On ``application_view()``, which joins the company."""
    if scope.company_ruc is not None:
        return companies.c.ruc == scope.company_ruc
    if scope.monitor_subject is not None:
        return applications.c.id.in_(followed_applications(scope.monitor_subject))
    return sa.true()


_UIT_TABLE = sa.select(uit_values).order_by(uit_values.c.fiscal_year)  # read on every registration


class UitRepository(Repository):
    table = uit_values
    noun = "UIT"
    noun_es = "La UIT"

    async def all(self) -> list[UitValue]:
        """Every UIT on record, oldest first. Reference data that changes once a year (by a
        migration): remembered per database for ``UIT_CACHE_SECONDS``, so a registration does
        not spend a round trip on it (issue 15); a value added by hand is seen within that."""
        bind = getattr(self.db, "bind", None)
        key = None if bind is None else str(bind.url)
        found = _UIT_CACHE.get(key) if key is not None else None
        now = time.monotonic()
        if found is not None and now - found[0] < UIT_CACHE_SECONDS:
            return list(found[1])
        rows = await self._all(_UIT_TABLE)
        values = [UitValue(r.fiscal_year, r.amount_pen, r.legal_source) for r in rows]
        if key is not None:
            _UIT_CACHE[key] = (now, values)
        return list(values)


UIT_CACHE_SECONDS = 60.0
_UIT_CACHE: dict[str, tuple[float, list[UitValue]]] = {}


# The order of a COPY record's values (the import builds them in a worker thread).
COMPANY_COLUMNS = [c.name for c in companies.columns]
OUTBOX_COLUMNS = ["event_id", "topic", "key", "envelope"]
# One import at a time: each checks which RUCs exist, then loads the rest.
IMPORT_LOCK = "enrollment:company-import"

COMPANY_SORTS: dict[str, sa.ColumnElement[Any]] = {
    "legal_name": companies.c.legal_name,
    "created_at": companies.c.created_at,
    "ruc": companies.c.ruc,
}


class CompanyRepository(Repository):
    table = companies
    noun = "Company"
    noun_es = "La empresa"

    async def get(
        self,
        *,
        ruc: str | None = None,
        company_id: uuid.UUID | None = None,
        scope: Scope = WHOLE_PROGRAMME,
        for_update: bool = False,
    ) -> sa.Row[Any] | None:
        """By RUC or by id; None also when out of ``scope``."""
        if scope == WHOLE_PROGRAMME:
            if company_id is None:
                return await self._one_by("ruc", ruc, for_update=for_update)
            return await self._one_by("id", company_id, for_update=for_update)
        where = companies.c.ruc == ruc if company_id is None else companies.c.id == company_id
        return await self._one(self._select(where, _company_scope(scope), for_update=for_update))

    async def get_or_raise(
        self, *, ruc: str | None = None, company_id: uuid.UUID | None = None, for_update: bool = False
    ) -> sa.Row[Any]:
        row = await self.get(ruc=ruc, company_id=company_id, for_update=for_update)
        if row is None:
            raise self._missing(ruc or company_id)
        return row

    async def create(self, *, values: dict[str, Any]) -> sa.Row[Any] | None:
        """Insert unless the RUC exists (then None)."""
        return await _create_unless_taken(self.db, companies, values, index_elements=[companies.c.ruc])

    async def update(self, *, company_id: uuid.UUID, values: dict[str, Any]) -> sa.Row[Any]:
        return await self._update(companies.c.id == company_id, values)

    async def delete(self, *, company_id: uuid.UUID) -> None:
        await self.db.execute(sa.delete(companies).where(companies.c.id == company_id))

    async def existing_rucs(self, *, rucs: list[str]) -> set[str]:
        # One array parameter, not an IN list: 100,000 RUCs would pass asyncpg's 32,767-parameter cap.
        wanted = sa.bindparam("rucs", rucs, type_=ARRAY(sa.Text))
        stmt = sa.select(companies.c.ruc).where(companies.c.ruc == sa.any_(wanted))
        return set((await self.db.execute(stmt)).scalars())

    async def lock_import(self) -> None:
        await _advisory_lock(self.db, IMPORT_LOCK)

    async def copy_in(
        self, *, company_records: list[tuple[Any, ...]], outbox_records: list[tuple[Any, ...]]
    ) -> None:
        """COPY companies (``COMPANY_COLUMNS``) and their outbox envelopes (``OUTBOX_COLUMNS``)
        on the transaction's own connection, so they commit or roll back with it; 409 if a RUC
        was registered meanwhile. COPY loads about four times faster than executemany."""
        driver = await driver_connection(self.db)
        try:
            await driver.copy_records_to_table(
                companies.name, schema_name=SCHEMA, columns=COMPANY_COLUMNS, records=company_records
            )
        except UniqueViolationError as exc:
            raise Conflict(
                "A company in the file was registered by someone else during the import; run it again.",
                detail_es="Una empresa del archivo se registró durante la importación; vuelva a ejecutarla.",
            ) from exc
        await driver.copy_records_to_table(
            MESSAGING.outbox.name, schema_name=SCHEMA, columns=OUTBOX_COLUMNS, records=outbox_records
        )
        await self.db.execute(sa.select(sa.func.pg_notify(outbox_channel(SCHEMA), "")))

    async def page(
        self, *, scope: Scope, filters: CompanyFilters, sort: str, cursor: str | None, limit: int
    ) -> Page:
        f = filters
        stmt = self._select(_company_scope(scope))
        if f.region:
            stmt = stmt.where(companies.c.region == f.region)
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
        order_by = [COMPANY_SORTS[sort.lstrip("-")], companies.c.id]
        return await self._page(stmt, order_by, cursor=cursor, limit=limit, descending=sort.startswith("-"))

    async def region_figures(self) -> dict[str, RegionFigures]:
        """Per region with companies: companies, women-led ones, participants, certification-eligible."""
        stmt = (
            sa.select(
                companies.c.region,
                sa.func.count(sa.distinct(companies.c.id)).label("companies"),
                sa.func.count(sa.distinct(companies.c.id)).filter(companies.c.women_led).label("women_led"),
                sa.func.count(sa.distinct(applications.c.id))
                .filter(applications.c.status.in_(SEATED))
                .label("participants"),
                sa.func.count(sa.distinct(applications.c.id))
                .filter(applications.c.certification_eligible_at.is_not(None))
                .label("certification_eligible"),
            )
            .select_from(companies.outerjoin(applications, applications.c.company_id == companies.c.id))
            .group_by(companies.c.region)
        )
        return {
            r.region: RegionFigures(
                r.region,
                r.region in CIRCULAR_ECONOMY_NODES,
                r.companies,
                r.women_led,
                r.participants,
                r.certification_eligible,
            )
            for r in await self._all(stmt)
        }


class SiteRepository(Repository):
    table = company_sites
    noun = "Site"
    noun_es = "La sede"

    async def all_for_company(self, *, company_id: uuid.UUID) -> list[sa.Row[Any]]:
        stmt = self._select(company_sites.c.company_id == company_id)
        return await self._all(stmt.order_by(company_sites.c.name, company_sites.c.id))

    async def get_or_raise(self, *, company_id: uuid.UUID, site_id: uuid.UUID) -> sa.Row[Any]:
        row = await self._one(
            self._select(company_sites.c.id == site_id, company_sites.c.company_id == company_id)
        )
        if row is None:
            raise self._missing(site_id)
        return row

    async def create(self, *, values: dict[str, Any]) -> sa.Row[Any]:
        return await self._insert(values)

    async def update(self, *, site_id: uuid.UUID, values: dict[str, Any]) -> sa.Row[Any]:
        return await self._update(company_sites.c.id == site_id, values)

    async def delete(self, *, site_id: uuid.UUID) -> None:
        await self.db.execute(sa.delete(company_sites).where(company_sites.c.id == site_id))


def _seats_taken(cohort_id: Any) -> sa.ScalarSelect[Any]:
    return (
        sa.select(sa.func.count())
        .where(applications.c.cohort_id == cohort_id, applications.c.status.in_(SEATED))
        .scalar_subquery()
    )


class CohortRepository(Repository):
    table = cohorts
    noun = "Cohort"
    noun_es = "La cohorte"

    def _view(self) -> sa.Select[Any]:
        """Cohorts with the seats their participants hold."""
        return sa.select(cohorts, _seats_taken(cohorts.c.id).label("seats_taken"))

    async def get(
        self, *, cohort_id: uuid.UUID | None = None, name: str | None = None, for_update: bool = False
    ) -> sa.Row[Any] | None:
        """By id or by name."""
        where = cohorts.c.name == name if cohort_id is None else cohorts.c.id == cohort_id
        return await self._one(self._select(where, for_update=for_update))

    async def get_or_raise(self, *, cohort_id: uuid.UUID, for_update: bool = False) -> sa.Row[Any]:
        row = await self.get(cohort_id=cohort_id, for_update=for_update)
        if row is None:
            raise self._missing(cohort_id)
        return row

    async def get_view(self, *, cohort_id: uuid.UUID) -> sa.Row[Any]:
        """The cohort with its seats taken, or 404."""
        row = await self._one(self._view().where(cohorts.c.id == cohort_id))
        if row is None:
            raise self._missing(cohort_id)
        return row

    async def page(self, *, open_on: date | None, cursor: str | None, limit: int) -> Page:
        stmt = self._view()
        if open_on is not None:
            stmt = stmt.where(
                cohorts.c.applications_open_on <= open_on, cohorts.c.applications_close_on >= open_on
            )
        return await self._page(
            stmt, [cohorts.c.applications_open_on, cohorts.c.id], cursor=cursor, limit=limit
        )

    async def create(self, *, values: dict[str, Any]) -> sa.Row[Any] | None:
        """Insert unless the name is taken (then None)."""
        return await _create_unless_taken(self.db, cohorts, values, index_elements=[cohorts.c.name])

    async def update(self, *, cohort_id: uuid.UUID, values: dict[str, Any]) -> sa.Row[Any]:
        return await self._update(cohorts.c.id == cohort_id, values)

    async def delete(self, *, cohort_id: uuid.UUID) -> None:
        await self.db.execute(sa.delete(cohorts).where(cohorts.c.id == cohort_id))

    async def seats_taken(self, *, cohort_id: uuid.UUID) -> int:
        taken: int = (await self.db.execute(sa.select(_seats_taken(cohort_id)))).scalar_one()
        return taken


# Admissions and reassignments read every monitor's load and then add to one: one at a
# time, or two admissions at once would both pick the same "least loaded" monitor.
ASSIGNMENT_LOCK = "enrollment:monitor-assignment"


class MonitorRepository(Repository):
    table = monitors
    noun = "Monitor"
    noun_es = "El monitor"

    def _view(self) -> sa.Select[Any]:
        """Monitors with the participants they follow now."""
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

    async def get_or_raise(self, *, monitor_id: uuid.UUID) -> sa.Row[Any]:
        row = await self._one(self._select(monitors.c.id == monitor_id))
        if row is None:
            raise self._missing(monitor_id)
        return row

    async def get_view(self, *, monitor_id: uuid.UUID) -> sa.Row[Any]:
        """The monitor with its load, or 404."""
        row = await self._one(self._view().where(monitors.c.id == monitor_id))
        if row is None:
            raise self._missing(monitor_id)
        return row

    async def page(self, *, active: bool | None, cursor: str | None, limit: int) -> Page:
        stmt = self._view()
        if active is not None:
            stmt = stmt.where(monitors.c.active.is_(active))
        return await self._page(stmt, [monitors.c.name, monitors.c.id], cursor=cursor, limit=limit)

    async def create(self, *, values: dict[str, Any]) -> sa.Row[Any] | None:
        """Insert unless the e-mail or login is taken (then None)."""
        return await _create_unless_taken(self.db, monitors, values)

    async def update(self, *, monitor_id: uuid.UUID, values: dict[str, Any]) -> sa.Row[Any]:
        return await self._update(monitors.c.id == monitor_id, values)

    async def loads(self) -> list[MonitorLoad]:
        """Every active monitor's load."""
        rows = await self._all(self._view().where(monitors.c.active.is_(True)))
        return [MonitorLoad(r.id, r.name, r.active, r.participants) for r in rows]

    async def lock_assignments(self) -> None:
        await _advisory_lock(self.db, ASSIGNMENT_LOCK)

    def _assignments(self, application_id: uuid.UUID) -> sa.Select[Any]:
        return (
            sa.select(monitor_assignments, monitors.c.name, monitors.c.email)
            .join(monitors, monitors.c.id == monitor_assignments.c.monitor_id)
            .where(monitor_assignments.c.application_id == application_id)
        )

    async def current_assignment(self, *, application_id: uuid.UUID) -> sa.Row[Any] | None:
        return await self._one(self._assignments(application_id).where(monitor_assignments.c.to_on.is_(None)))

    async def assign(
        self,
        *,
        application_id: uuid.UUID,
        monitor_id: uuid.UUID,
        on: date,
        at: datetime,
        reason: str,
        by: str | None,
    ) -> None:
        await self.db.execute(
            sa.insert(monitor_assignments).values(
                id=uuid.uuid4(),
                application_id=application_id,
                monitor_id=monitor_id,
                from_on=on,
                reason=reason,
                assigned_by=by,
                assigned_at=at,
            )
        )

    async def close_assignment(self, *, application_id: uuid.UUID, on: date) -> None:
        await self.db.execute(
            sa.update(monitor_assignments)
            .where(
                monitor_assignments.c.application_id == application_id, monitor_assignments.c.to_on.is_(None)
            )
            .values(to_on=on)
        )

    async def history(self, *, application_id: uuid.UUID) -> list[sa.Row[Any]]:
        # Closed assignments before the current one: reassignments within one instant
        # (a fixed test clock, a batch) must still read in order.
        return await self._all(
            self._assignments(application_id).order_by(
                monitor_assignments.c.assigned_at,
                monitor_assignments.c.to_on.is_(None),
                monitor_assignments.c.id,
            )
        )


def application_view() -> sa.Select[Any]:
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


APPLICATION_SORTS: dict[str, sa.ColumnElement[Any]] = {
    "created_at": applications.c.created_at,
    "legal_name": companies.c.legal_name,
}


class ApplicationRepository(Repository):
    table = applications
    noun = "Application"
    noun_es = "La postulación"

    async def get(self, *, application_id: uuid.UUID, for_update: bool = False) -> sa.Row[Any] | None:
        return await self._one(self._select(applications.c.id == application_id, for_update=for_update))

    async def get_or_raise(self, *, application_id: uuid.UUID, for_update: bool = False) -> sa.Row[Any]:
        row = await self.get(application_id=application_id, for_update=for_update)
        if row is None:
            raise self._missing(application_id)
        return row

    async def get_view(
        self, *, application_id: uuid.UUID, scope: Scope = WHOLE_PROGRAMME
    ) -> sa.Row[Any] | None:
        """``application_view()`` of one application; None also when out of ``scope``."""
        return await self._one(
            application_view().where(applications.c.id == application_id, _application_scope(scope))
        )

    async def page(
        self, *, scope: Scope, filters: ApplicationFilters, sort: str, cursor: str | None, limit: int
    ) -> Page:
        f = filters
        stmt = application_view().where(_application_scope(scope))
        if f.cohort_id:
            stmt = stmt.where(applications.c.cohort_id == f.cohort_id)
        if f.statuses:
            stmt = stmt.where(applications.c.status.in_([s.value for s in f.statuses]))
        if f.region:
            stmt = stmt.where(companies.c.region == f.region)
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
        order_by = [APPLICATION_SORTS[sort.lstrip("-")], applications.c.id]
        return await self._page(stmt, order_by, cursor=cursor, limit=limit, descending=sort.startswith("-"))

    async def create(self, *, values: dict[str, Any]) -> sa.Row[Any] | None:
        """Insert unless the company already applied to the cohort (then None)."""
        return await _create_unless_taken(
            self.db, applications, values, constraint="uq_enrollment_applications_company_cohort"
        )

    async def update(self, *, application_id: uuid.UUID, values: dict[str, Any]) -> sa.Row[Any]:
        return await self._update(applications.c.id == application_id, values)

    async def all_for_company(
        self, *, company_id: uuid.UUID, statuses: Iterable[str], for_update: bool = False
    ) -> list[sa.Row[Any]]:
        stmt = self._select(
            applications.c.company_id == company_id,
            applications.c.status.in_(list(statuses)),
            for_update=for_update,
        )
        return await self._all(stmt.order_by(applications.c.id))

    async def count(self, *, company_id: uuid.UUID | None = None, cohort_id: uuid.UUID | None = None) -> int:
        """Applications of a company, or to a cohort."""
        where = (
            applications.c.company_id == company_id
            if cohort_id is None
            else applications.c.cohort_id == cohort_id
        )
        counted: int = (await self.db.execute(sa.select(sa.func.count()).where(where))).scalar_one()
        return counted

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

    async def transitions(self, *, application_id: uuid.UUID) -> list[sa.Row[Any]]:
        stmt = (
            sa.select(application_transitions)
            .where(application_transitions.c.application_id == application_id)
            .order_by(application_transitions.c.id)
        )
        return await self._all(stmt)
